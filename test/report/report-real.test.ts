// The reporters on reports built from real compiler output: `asyncbloat analyze examples/firmware-demo
// --format json` (rustc 1.95 with RUSTC_BOOTSTRAP=1, through the bundled CLI; `npm test` builds dist first), and
// the source scan's `scan --format json`. Every expected value is read from those documents, never typed in.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { goalEstimate } from '../../src/measure/goal-estimate.ts';
import { frameOutgrowsFuture } from '../../src/measure/stack-use.ts';
import type { AnalysisReport, ScanReport } from '../../src/model/report.ts';
import { renderAnalyzeTable } from '../../src/report/analyze-human.ts';
import { colors } from '../../src/report/colors.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.ts';
import { renderSarif, sarifLog } from '../../src/report/sarif.ts';
import { formatBytes } from '../../src/report/text-table.ts';
import { RULES } from '../../src/rules/index.ts';
import { has, need } from '../support/require.ts';
import { launch, openReport } from './browser.ts';
import { multitool, validate } from './sarif-validator.ts';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const crate = fileURLToPath(new URL('../../examples/firmware-demo', import.meta.url));
const rules = RULES.map((r) => r.meta);
let report: AnalysisReport;

before(() => {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first');
  const r = spawnSync(process.execPath, [cli, 'analyze', crate, '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CARGO_INCREMENTAL: '0' },
  });
  assert.equal(r.status, 0, r.stderr);
  report = JSON.parse(r.stdout) as AnalysisReport;
  assert.ok(
    report.items.some((i) => i.layouts.length > 0),
    'rustc printed layouts',
  );
});

const readSource = (file: string) => {
  try {
    return readFileSync(join(report.root, file), 'utf8');
  } catch {
    return undefined;
  }
};

let browser: ReturnType<typeof launch> | undefined;
after(async () => {
  if (browser) await (await browser).close();
});

describe('reports from `analyze` and `scan` of examples/firmware-demo', () => {
  test('html: every item in the table, rustc states in the diagram and bars', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-real-'));
    const file = join(dir, 'firmware.html');
    writeFileSync(file, renderHtml(report, { rules, readSource }));
    browser ??= launch();
    const r = await openReport((await browser).ctx, file);
    const { page } = r;
    assert.equal(await page.locator('table.items tbody tr').count(), report.items.length);
    assert.ok((await page.locator('svg.treemap > g.cell').count()) > 0);
    const findings = report.items.reduce((s, i) => s + i.findings.length, 0);
    assert.equal(await page.locator('#findings .finding').count(), findings);
    // The goal section: one row per work item that counts something here.
    const goals = goalEstimate(report).total.filter((r) => r.items > 0);
    assert.deepEqual(
      await page.locator('#goals tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-goal'))),
      goals.map((g) => g.id),
    );

    const biggest = [...report.items].sort((a, b) => (b.futureBytes ?? 0) - (a.futureBytes ?? 0))[0]!;
    const layout = biggest.layouts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    await page.locator('table.items tbody td.name', { hasText: biggest.name }).first().click();
    const detail = page.locator('article.detail');
    assert.equal(await detail.locator('h2').textContent(), biggest.name);
    const drawn = await detail
      .locator('svg.state-diagram g.state')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-state')));
    assert.deepEqual([...drawn].sort(), layout.states.map((s) => s.name).sort());
    const bars = await detail
      .locator('svg.layout-bars g.bar-row')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-state')));
    assert.deepEqual(
      bars,
      layout.states.map((s) => s.name),
    );
    const padding = layout.states.flatMap((s) => s.fields).filter((f) => f.kind === 'padding').length;
    assert.equal(await detail.locator('svg.layout-bars .seg.f-padding').count(), padding);
    // The snippet is the item's own source with one mark per `.await` in it.
    const first = await detail.locator('pre.source .line').first().getAttribute('data-line');
    assert.equal(Number(first), biggest.line);
    assert.ok((await detail.locator('mark.await').count()) >= (biggest.suspendPoints ?? 0));

    mkdirSync('test-artifacts', { recursive: true });
    // Print media draws everything, also the findings that content-visibility skips while off-screen.
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join('test-artifacts', 'report-firmware.png'), fullPage: true });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.requests, [page.url().replace(/#.*/, '')]); // the hash follows the open item
    await r.close();
  });

  test('html of `scan` output: table, findings, awaits marked where the scan found them', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const r0 = spawnSync(process.execPath, [cli, 'scan', crate, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    assert.ok(r0.status === 0 || r0.status === 1, r0.stderr);
    const scan = JSON.parse(r0.stdout) as ScanReport;
    const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-real-scan-'));
    const file = join(dir, 'scan.html');
    writeFileSync(file, renderHtml(scan, { rules, readSource }));
    browser ??= launch();
    const r = await openReport((await browser).ctx, file);
    const { page } = r;
    assert.equal(await page.locator('table.items tbody tr').count(), scan.items.length);
    assert.equal(await page.locator('#findings .finding').count(), scan.findings.length);
    const most = [...scan.items].sort((a, b) => b.awaitSites.length - a.awaitSites.length)[0]!;
    await page.locator('table.items tbody td.name', { hasText: most.name }).first().click();
    const marked = await page
      .locator('article.detail pre.source .line.awaits')
      .evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('data-line'))));
    assert.deepEqual(
      marked,
      [...new Set(most.awaitSites.map((a) => a.line))].sort((a, b) => a - b),
    );
    assert.deepEqual(r.problems, []);
    await r.close();
  });

  test('sarif: valid for GitHub code scanning (sarif-multitool)', (t) => {
    const tool = multitool();
    if (!need(t, 'sarif-multitool (npm devDependency @microsoft/sarif-multitool)', tool !== undefined))
      return;
    assert.deepEqual(validate(tool!, renderSarif(report, { rules })), []);
  });

  test('sarif: one result per finding at its source position', () => {
    const findings = report.items.flatMap((i) => i.findings);
    const run = sarifLog(report, { rules }).runs[0]!;
    // Besides the findings: a note at each item whose poll frame outgrows its future (a measurement).
    const frames = run.results!.filter((r) => r.ruleId === 'large-poll-frame');
    const large = report.items.filter((i) => i.stack && frameOutgrowsFuture(i.stack));
    assert.deepEqual(
      frames.map((r) => r.properties?.pollFrameBytes),
      large.map((i) => i.stack!.pollFrameBytes),
    );
    const results = run.results!.filter((r) => r.ruleId !== 'large-poll-frame');
    assert.equal(results.length, findings.length);
    assert.deepEqual(
      run.tool.driver.rules!.map((r) => r.id),
      [...rules.map((r) => r.id), ...(large.length > 0 ? ['large-poll-frame'] : [])],
    );
    for (const [k, res] of results.entries()) {
      const region = res.locations![0]!.physicalLocation!.region!;
      assert.equal(region.startLine, findings[k]!.line);
      // The region starts where the finding's text is in the file.
      const text = readSource(findings[k]!.file)!;
      assert.ok(text.split('\n')[region.startLine! - 1]!.length >= region.startColumn! - 1);
    }
  });

  test('goalEstimate: each row is the sum over the items the example was written to have', () => {
    const est = goalEstimate(report);
    const row = (id: string) => est.total.find((r) => r.id === id)!;
    const named = (names: string[]) => {
      const items = names.map((n) => report.items.find((i) => i.name === n)!);
      assert.ok(items.every(Boolean), names.join(', '));
      return items;
    };
    const own = (i: AnalysisReport['items'][number]) =>
      i.code!.parts.filter((p) => p.kind !== 'runtime').reduce((n, p) => n + p.bytes, 0);
    const total = (xs: AnalysisReport['items'], f: (i: AnalysisReport['items'][number]) => number) =>
      xs.reduce((n, i) => n + f(i), 0);
    // (2) the four items of the example that never await: a trait impl, a method, a block, a getter.
    const noAwait = named([
      'bus::<LoopbackBus as Bus>::transfer',
      'radio::Radio::drain_log',
      'radio::Radio::self_test::{async block#0}',
      'sensor::Thermometer::address',
    ]);
    assert.deepEqual(
      [row('no-await').items, row('no-await').codeBytes, row('no-await').futureBytes, row('no-await').states],
      [4, total(noAwait, own), total(noAwait, (i) => i.futureBytes!), total(noAwait, (i) => i.states!)],
    );
    // (3) the two single-await wrappers: their future less the one they hold.
    const wrappers = named(['radio::Radio::loopback', 'sensor::Thermometer::sample']);
    assert.deepEqual(
      [row('single-await').items, row('single-await').codeBytes, row('single-await').futureBytes],
      [2, total(wrappers, own), total(wrappers, (i) => i.futureBytes! - i.children[0]!.bytes)],
    );
    // (4) `handle` awaits `radio.send` in three exclusive arms: merged, two states fewer.
    const [handle] = named(['dispatch::handle']);
    assert.deepEqual(
      [row('merge-awaits').items, row('merge-awaits').states, row('merge-awaits').codeBytes],
      [1, 2, Math.round((own(handle!) * 2) / handle!.suspendPoints!)],
    );
    // (1) every panic call site the binary has; the packing row, every argument stored twice.
    assert.equal(
      row('async-panic').codeBytes,
      total(report.items, (i) => i.panicSites?.bytes ?? 0),
    );
    assert.equal(
      row('pack-args').futureBytes,
      total(report.items, (i) => i.duplicatedArgs.reduce((n, d) => n + d.bytes, 0)),
    );
    assert.ok(est.total.every((r) => r.basis === 'estimated'));
    // Per crate: one crate here, the same rows.
    assert.deepEqual(
      est.crates.map((c) => c.crate),
      ['firmware_demo'],
    );
    assert.deepEqual(est.crates[0]!.rows, est.total);
    // In the terminal and Markdown outputs, with their method.
    assert.match(
      renderAnalyzeTable(report, report.items, colors('never')),
      /rust-lang\/goals#623 \(2\), no state machine for futures without \.await: 4 items/,
    );
    assert.match(renderMarkdown(report), / \| identical awaits merged into one state \| 1 \| /);
  });

  test('markdown: the largest items first', () => {
    const md = renderMarkdown(report, { top: 3 });
    // The items table is the first table of the comment (the goals table comes later).
    const names = md
      .split('\n\n')
      .find((block) => block.startsWith('| future'))!
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| future') && !l.startsWith('| ---'))
      .map((l) => l.split(' | ').at(-2));
    const expected = [...report.items]
      .sort((a, b) => (b.futureBytes ?? -1) - (a.futureBytes ?? -1))
      .slice(0, 3);
    assert.deepEqual(
      names,
      expected.map((i) => escapeMarkdown(i.name)),
    );
    assert.ok(md.includes(`\n| ${formatBytes(expected[0]!.futureBytes)} | ${expected[0]!.states} |`));
  });
});
