// Box advice (issue #22) on test/fixtures/analyze/box-advice, whose futures reproduce the real cases: one
// dominant match arm, two large arms, a large local boxing cannot help, and a large future deep in a tree.
// Each estimate is checked against rustc: the advised `Box::pin` rewrites (the same `fix --box` offers)
// are applied to a copy of the crate, and -Zprint-type-sizes of that copy is the truth.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { applyEdits } from '../../src/fix/apply-edits.ts';
import { boxPinFindings, boxPinSites } from '../../src/fix/box-pin.ts';
import type { Savings } from '../../src/fix/savings.ts';
import type { AnalysisReport, AnalyzedItem } from '../../src/model/report.ts';
import { renderAnalyzeTable } from '../../src/report/analyze-human.ts';
import { colors } from '../../src/report/colors.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { sarifLog } from '../../src/report/sarif.ts';
import { RULES } from '../../src/rules/index.ts';
import { typeHeaders } from '../readers/rustc-text.ts';
import { launch, openReport } from '../report/browser.ts';
import { has, need } from '../support/require.ts';
import { compileFixture } from '../support/rustc.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const CRATE = fileURLToPath(new URL('../fixtures/analyze/box-advice/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-box-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let report: AnalysisReport;
before(() => {
  // Stable with RUSTC_BOOTSTRAP=1: the same compiler compileFixture uses for the truth below.
  const r = spawnSync(process.execPath, [CLI, 'analyze', CRATE, '--no-nightly', '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, 'target') },
  });
  assert.equal(r.status, 0, r.stderr);
  report = JSON.parse(r.stdout) as AnalysisReport;
});

const item = (name: string): AnalyzedItem => {
  const i = report.items.find((x) => x.name === name);
  assert.ok(i, name);
  return i;
};

/** rustc's size of each named future in a copy of the crate with `items`' advised boxes applied. */
async function boxedSizes(items: string[], names: string[]): Promise<Map<string, number>> {
  const dir = mkdtempSync(join(tmp, 'copy-'));
  cpSync(CRATE, dir, { recursive: true });
  const sites = boxPinSites(report, (f) => f).filter((s) => items.includes(s.item));
  assert.ok(sites.length > 0, `advice to apply for ${items.join(', ')}`);
  const findings = await boxPinFindings(dir, sites);
  assert.equal(findings.length, sites.length, 'every advised await was found in the source');
  const file = join(dir, 'src/main.rs');
  writeFileSync(
    file,
    applyEdits(
      readFileSync(file, 'utf8'),
      findings.flatMap((f) => f.fix!.edits),
    ),
  );
  const { typeSizes } = compileFixture({ crateDir: dir, toolchain: 'stable', mir: false });
  const headers = typeHeaders(typeSizes);
  return new Map(
    names.map((n) => {
      const h = headers.find((x) => x.name === `{async fn body of ${n}()}`);
      assert.ok(h, `rustc printed ${n}'s layout`);
      return [n, h.bytes];
    }),
  );
}

/** Within 2 % of rustc's size. */
function close(estimate: number, truth: number, what: string): void {
  assert.ok(Math.abs(estimate - truth) <= 0.02 * truth, `${what}: estimated ${estimate} B, rustc ${truth} B`);
}

describe('box advice', () => {
  test('a match with one dominant arm: box that await, within 2 % of rustc', async () => {
    const a = item('dominant').boxAdvice!;
    assert.equal(a.boxes.length, 1);
    assert.equal(a.boxes[0]!.callee, 'hold');
    assert.equal(a.boxes[0]!.line, 41);
    assert.ok(a.reachesThreshold);
    const truth = await boxedSizes(['dominant'], ['dominant']);
    close(a.afterBytes, truth.get('dominant')!, 'dominant');
  });

  test('two large arms: two boxes are needed', async () => {
    const a = item('two_arms').boxAdvice!;
    assert.deepEqual(
      a.boxes.map((b) => b.line),
      [50, 51],
    );
    // One box alone leaves the other arm over the threshold.
    assert.ok(a.boxes[0]!.afterBytes > a.thresholdBytes);
    const truth = await boxedSizes(['two_arms'], ['two_arms']);
    close(a.afterBytes, truth.get('two_arms')!, 'two_arms');
  });

  test('a large local held across an await: boxing does not help, and the local is named', () => {
    const a = item('held_local').boxAdvice!;
    assert.equal(a.boxes.length, 0);
    assert.equal(a.reachesThreshold, false);
    assert.equal(a.floor?.field, 'buf');
    assert.equal(a.floor?.kind, 'local');
    assert.ok(a.floor!.bytes >= 4096);
  });

  test('nested: boxing deep in the tree shrinks the root, within 2 % of rustc', async () => {
    const a = item('deep').boxAdvice!;
    assert.equal(a.boxes.length, 1);
    const root = a.roots.find((r) => r.item === 'run');
    assert.ok(root, 'the root future `run` is affected');
    assert.equal(root.beforeBytes, item('run').futureBytes);
    const truth = await boxedSizes(['deep'], ['deep', 'mid', 'run']);
    close(a.afterBytes, truth.get('deep')!, 'deep');
    close(root.afterBytes, truth.get('run')!, 'run (root)');
    assert.ok(truth.get('run')! < root.beforeBytes, 'the root really shrank');
  });

  test('the HTML state diagram marks the state whose await to box (Chromium)', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const file = join(tmp, 'box.html');
    const readSource = (f: string) => {
      try {
        return readFileSync(join(report.root, f), 'utf8');
      } catch {
        return undefined;
      }
    };
    writeFileSync(file, renderHtml(report, { readSource, rules: RULES.map((r) => r.meta) }));
    const browser = await launch();
    try {
      const r = await openReport(browser.ctx, file, '#item=box_advice::dominant');
      const boxed = r.page.locator('svg.state-diagram g.state.boxed');
      assert.equal(await boxed.count(), 1);
      assert.equal(await boxed.getAttribute('data-state'), 'Suspend0');
      assert.match((await boxed.locator('title').textContent()) ?? '', /Box::pin the await of hold/);
      assert.match((await r.page.locator('.detail').textContent()) ?? '', /box advice/);
      assert.deepEqual(r.problems, []);
      await r.close();
    } finally {
      await browser.close();
    }
  });

  test('every format shows the advice', () => {
    const table = renderAnalyzeTable(report, report.items, colors('never'));
    assert.match(table, /Where to Box::pin:/);
    assert.match(table, /dominant: Box::pin `hold` at src\/main\.rs:41:\d+/);
    assert.match(table, /held_local: boxing an await does not help: local `buf`/);
    assert.match(table, /estimated from the layout/);
    assert.match(renderMarkdown(report), /\*\*Where to `Box::pin`\*\*/);
    const sarif = sarifLog(report).runs[0]!;
    const boxes = sarif.results!.filter((r) => r.ruleId === 'box-pin');
    const advised = report.items.flatMap((i) => i.boxAdvice?.boxes ?? []);
    assert.equal(boxes.length, advised.length);
  });
});

test('the threshold comes from --box-threshold, else box-threshold in the configuration', () => {
  const copy = mkdtempSync(join(tmp, 'threshold-'));
  cpSync(CRATE, copy, { recursive: true });
  writeFileSync(join(copy, 'asyncbloat.toml'), 'box-threshold = "8 KiB"\n');
  const advised = (extra: string[]) => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'analyze', copy, '--no-nightly', '--format', 'json', ...extra],
      {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, 'target') },
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const items = (JSON.parse(r.stdout) as AnalysisReport).items;
    return items.filter((i) => i.boxAdvice).map((i) => [i.name, i.futureBytes!] as const);
  };
  const fromConfig = advised([]);
  assert.ok(fromConfig.length > 0 && fromConfig.every(([, b]) => b > 8192), JSON.stringify(fromConfig));
  assert.ok(!fromConfig.some(([n]) => n === 'dominant'), 'a 6 KiB future is under 8 KiB');
  assert.deepEqual(advised(['--box-threshold', '64 KiB']), []);
});

describe('savings --box and fix --box', () => {
  test('savings --box measures every advised rewrite with a real build', () => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'savings', CRATE, '--box', '--no-nightly', '--format', 'json'],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, 'savings') } },
    );
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Savings;
    const advised = report.items.flatMap((i) => i.boxAdvice?.boxes ?? []);
    assert.equal(s.fixes.length, advised.length);
    assert.ok(s.fixes.every((f) => f.rule === 'box-pin'));
    assert.ok(s.box && s.box.length > 0);
    for (const e of s.box) {
      assert.ok(e.measuredBytes !== null, e.item);
      assert.ok(e.measuredBytes < e.beforeBytes, `${e.item} shrank`);
      close(e.estimatedBytes, e.measuredBytes, `${e.item} with every box applied`);
    }
    assert.ok(s.box.some((e) => e.root && e.item === 'run'));
    // Boxing also shrinks the poll fn's stack frame (dev build: each awaitee was built on the stack).
    const run = s.box.find((e) => e.item === 'run')!;
    assert.ok(run.pollFrameBytes.before !== null && run.pollFrameBytes.after !== null);
    assert.ok(run.pollFrameBytes.after < run.pollFrameBytes.before, JSON.stringify(run.pollFrameBytes));
  });

  test('fix --box shows Box::pin diffs marked maybe-incorrect; --write applies none without --allow-eager', () => {
    const r = spawnSync(process.execPath, [CLI, 'fix', CRATE, '--box', '--no-verify'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, 'fix') },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\+ +0 => Box::pin\(hold::<6144>\(kind\)\)\.await,$/m);
    assert.match(r.stdout, /adds a heap allocation each time this await runs/);
    const copy = mkdtempSync(join(tmp, 'write-'));
    cpSync(CRATE, copy, { recursive: true });
    const w = spawnSync(
      process.execPath,
      [CLI, 'fix', copy, '--box', '--write', '--allow-no-vcs', '--no-verify'],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, 'fix') } },
    );
    assert.equal(w.status, 0, w.stderr);
    assert.equal(
      readFileSync(join(copy, 'src/main.rs'), 'utf8'),
      readFileSync(join(CRATE, 'src/main.rs'), 'utf8'),
    );
    assert.match(w.stderr, /not applied because they may change behaviour/);
  });
});
