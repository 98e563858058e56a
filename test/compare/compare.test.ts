// `asyncbloat compare` on real builds: -C panic=abort against unwinding on the tokio fixture (checked against
// two separate `analyze` runs of the same settings), stable against nightly on the example, and a side that
// cannot build. Every expected number comes from rustc's output through `analyze`, never typed in.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { splitFlags } from '../../src/compare/compare.ts';
import type { ItemSavings } from '../../src/fix/savings.ts';
import type { GoalRow } from '../../src/measure/goal-estimate.ts';
import type { AnalysisReport } from '../../src/model/report.ts';
import { has, need } from '../support/require.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const TOKIO = fileURLToPath(new URL('../fixtures/crates/tokio-app/', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/firmware-demo/', import.meta.url));
const target = mkdtempSync(join(tmpdir(), 'asyncbloat-compare-'));
after(() => rmSync(target, { recursive: true, force: true }));

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CARGO_TARGET_DIR: target, CARGO_INCREMENTAL: '0', NO_COLOR: '1', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('flags split as a shell would', () => {
  assert.deepEqual(splitFlags('-C panic=abort  -Copt-level="s"'), ['-C', 'panic=abort', '-Copt-level="s"']);
  assert.deepEqual(splitFlags(`-C "link-arg=-Wl,--gc-sections" '-Z x'`), [
    '-C',
    'link-arg=-Wl,--gc-sections',
    '-Z x',
  ]);
});

test('-C panic=abort: the resumed-after-panic sites vanish, .text shrinks, and the numbers are those of two analyze runs', (t) => {
  if (!need(t, 'Debian crate sources', has.debianRegistry())) return;
  const r = cli([
    'compare',
    TOKIO,
    '--offline',
    '--no-nightly',
    '--head-rustflags',
    '-C panic=abort',
    '--format',
    'json',
  ]);
  assert.equal(r.code, 0, r.err);
  const cmp = JSON.parse(r.out) as {
    items: ItemSavings[];
    crates: { name: string; textBytes: { base: number; head: number } }[];
  };
  const unwind = JSON.parse(
    cli(['analyze', TOKIO, '--offline', '--no-nightly', '--format', 'json']).out,
  ) as AnalysisReport;
  const abort = JSON.parse(
    cli(['analyze', TOKIO, '--offline', '--no-nightly', '--format', 'json'], { RUSTFLAGS: '-C panic=abort' })
      .out,
  ) as AnalysisReport;
  // Every resumed-after-panic call site is gone; the resumed-after-completion ones stay.
  assert.ok(unwind.items.some((i) => (i.panicSites?.resumedPanic ?? 0) > 0));
  for (const i of abort.items) assert.equal(i.panicSites?.resumedPanic ?? 0, 0, i.name);
  const app = cmp.crates.find((c) => c.name === 'tokio_app')!;
  assert.ok(app.textBytes.head < app.textBytes.base, JSON.stringify(app.textBytes));
  assert.equal(app.textBytes.base, unwind.crates.find((c) => c.name === 'tokio_app')!.textBytes);
  assert.equal(app.textBytes.head, abort.crates.find((c) => c.name === 'tokio_app')!.textBytes);
  for (const row of cmp.items) {
    const b = unwind.items.find((i) => i.name === row.name)!;
    const a = abort.items.find((i) => i.name === row.name)!;
    assert.equal(row.codeBytes.base, b.code?.codeBytes ?? null, row.name);
    assert.equal(row.codeBytes.head, a.code?.codeBytes ?? null, row.name);
    assert.equal(row.panicBytes.base, b.panicSites?.bytes ?? null, row.name);
    assert.equal(row.panicBytes.head, a.panicSites?.bytes ?? null, row.name);
  }
  assert.ok(cmp.items.length > 0);
  // The goal rows on each side are those analyze estimates for each build: the resumed-after-panic sites
  // that -C panic=abort removed make the head's async-panic estimate smaller, beside the measured .text.
  const goals = (JSON.parse(r.out) as { goals: { base: GoalRow[]; head: GoalRow[] } }).goals;
  const row = (rows: GoalRow[]) => rows.find((g) => g.id === 'async-panic')!;
  assert.equal(
    row(goals.base).codeBytes,
    unwind.items.reduce((n, i) => n + (i.panicSites?.bytes ?? 0), 0),
  );
  assert.equal(
    row(goals.head).codeBytes,
    abort.items.reduce((n, i) => n + (i.panicSites?.bytes ?? 0), 0),
  );
  assert.ok(row(goals.head).codeBytes! < row(goals.base).codeBytes!);
  // The same comparison in Markdown and HTML (builds are cached: the same target dirs).
  const args = [
    'compare',
    TOKIO,
    '--offline',
    '--no-nightly',
    '--head-rustflags',
    '-C panic=abort',
    '--format',
  ];
  const md = cli([...args, 'markdown']).out;
  assert.ok(md.includes(`**tokio\\_app**: root futures`), md);
  for (const row of cmp.items)
    assert.ok(md.includes(`| ${row.name.replace(/[_{}#<>()[\]]/g, '\\$&')} |`), row.name);
  const html = cli([...args, 'html']).out;
  assert.match(html, /<meta http-equiv="Content-Security-Policy"/);
  assert.doesNotMatch(html, /<script/);
  assert.equal([...html.matchAll(/<tr data-status=/g)].length, cmp.items.length);
});

test('stable against nightly on the example: each side says which compiler built it', (t) => {
  if (!need(t, 'a nightly toolchain', has.nightly())) return;
  const r = cli([
    'compare',
    EXAMPLE,
    '--base-toolchain',
    'stable',
    '--head-toolchain',
    'nightly',
    '--format',
    'json',
  ]);
  assert.equal(r.code, 0, r.err);
  const cmp = JSON.parse(r.out) as {
    sides: { base: string; head: string };
    before: { toolchain: string };
    after: { toolchain: string };
  };
  assert.deepEqual(cmp.sides, { base: '+stable', head: '+nightly' });
  assert.match(cmp.before.toolchain, /^rustc 1\.\d+\.\d+ \(/);
  assert.doesNotMatch(cmp.before.toolchain, /nightly/);
  assert.match(cmp.after.toolchain, /-nightly/);
  const human = cli(['compare', EXAMPLE, '--base-toolchain', 'stable', '--head-toolchain', 'nightly']);
  assert.match(human.out, /^asyncbloat compare\n {2}base: \+stable: rustc 1\.\d+/);
});

test('a side that does not build is an error naming that side, with no fallback', () => {
  const r = cli(['compare', EXAMPLE, '--head-toolchain', 'no-such-toolchain-asyncbloat']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /error: the head side \(\+no-such-toolchain-asyncbloat\) did not build/);
  const same = cli(['compare', EXAMPLE]);
  assert.equal(same.code, 2);
  assert.match(same.err, /error: the two sides are the same build/);
});

test('opt-level s against z on the example, release: two builds, each measured', () => {
  const r = cli([
    'compare',
    EXAMPLE,
    '--release',
    '--no-nightly',
    '--base-rustflags',
    '-C opt-level=s',
    '--head-rustflags',
    '-C opt-level=z',
    '--format',
    'json',
  ]);
  assert.equal(r.code, 0, r.err);
  const cmp = JSON.parse(r.out) as {
    sides: { base: string; head: string };
    crates: { name: string; textBytes: { base: number | null; head: number | null } }[];
  };
  assert.deepEqual(cmp.sides, { base: 'rustflags -C opt-level=s', head: 'rustflags -C opt-level=z' });
  const text = cmp.crates.find((c) => c.name === 'firmware_demo')!.textBytes;
  assert.ok(text.base && text.head, JSON.stringify(text));
});
