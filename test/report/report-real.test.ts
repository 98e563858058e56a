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
import type { AnalysisReport, ScanReport } from '../../src/model/report.ts';
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
    assert.equal(run.results!.length, findings.length);
    assert.deepEqual(
      run.tool.driver.rules!.map((r) => r.id),
      rules.map((r) => r.id),
    );
    for (const [k, res] of run.results!.entries()) {
      const region = res.locations![0]!.physicalLocation!.region!;
      assert.equal(region.startLine, findings[k]!.line);
      // The region starts where the finding's text is in the file.
      const text = readSource(findings[k]!.file)!;
      assert.ok(text.split('\n')[region.startLine! - 1]!.length >= region.startColumn! - 1);
    }
  });

  test('markdown: the largest items first', () => {
    const md = renderMarkdown(report, { top: 3 });
    const names = md
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
