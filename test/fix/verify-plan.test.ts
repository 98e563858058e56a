// The verified dry run: `fix` checks its plan on a scratch copy with the real compiler and leaves out the
// fixes that do not compile, naming each with rustc's error. Fixture: test/fixtures/fix/verify, where one
// wrapper rewrite (an awaited value that is only `IntoFuture`) breaks the build and the others do not; two
// more wrappers there are refused up front by the rewrite's own preconditions (a coercion, `Self` hiding
// the impl's lifetime). The bisection path (an error no fix's lines explain) and the region bookkeeping are
// tested on their own, with the check's outcome given.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readCheckDiagnostics } from '../../src/fix/check-diagnostics.ts';
import type { AppliedFix, FixIdentity, FixLoopResult } from '../../src/fix/fix-loop.ts';
import { fixKey } from '../../src/fix/fix-loop.ts';
import { moveRegions } from '../../src/fix/fix-regions.ts';
import { measureSavings } from '../../src/fix/measure-savings.ts';
import { type FixPlan, planFixes } from '../../src/fix/plan.ts';
import { verifyFixLoop } from '../../src/fix/verify-plan.ts';
import { cargo, scanNoCache, snapshot, TempDirs } from './support.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const temp = new TempDirs();
let target: string;
let plan: FixPlan;

before(async () => {
  target = temp.sharedTarget();
  plan = await planFixes({ path: temp.fixture('verify'), scan: scanNoCache });
});
after(() => temp.removeAll());

test('the dry run leaves out the fix that does not compile, with E0277, and keeps the others', () => {
  assert.equal(plan.verification.status, 'passed');
  assert.equal(plan.verification.targets, 'all');
  assert.equal(plan.verification.note, undefined);
  // One failing check, one of the crate without fixes (which passes: the failure is a fix's), one passing
  // after the culprit was dropped: no bisection was needed.
  assert.equal(plan.verification.checks, 3);
  assert.deepEqual(
    plan.dropped.map((d) => `${d.fix.rule} ${d.fix.file} ${d.fix.item}`),
    ['single-await-wrapper src/later.rs later::wrapper'],
  );
  assert.match(plan.dropped[0]!.reason, /^does not compile: E0277 `Later` is not a future$/);
  assert.match(plan.dropped[0]!.detail, /^error\[E0277\]: `Later` is not a future\n/);
  assert.deepEqual(plan.applied.map((a) => `${a.rule} ${a.item}`).sort(), [
    'no-await answer',
    'single-await-wrapper doubled',
  ]);
  assert.deepEqual(
    plan.changes.map((c) => c.file),
    ['src/lib.rs'],
  );
});

test("the rewrite's preconditions refuse a coercion and `Self` with the impl's lifetime", () => {
  // Not proposed at all, so not among the dropped either.
  const touched = [...plan.applied, ...plan.dropped.map((d) => d.fix)].map((f) => f.file);
  assert.ok(!touched.includes('src/coerce.rs'));
  assert.ok(!touched.includes('src/hidden.rs'));
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: target },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the CLI dry run shows the good fixes and names the dropped one; --no-verify shows all', () => {
  const crate = temp.fixture('verify');
  const r = cli('fix', crate);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\+pub fn doubled\(x: u32\) -> impl ::core::future::Future<Output = u32> \{$/m);
  assert.doesNotMatch(r.stdout, /later\.rs/);
  assert.match(
    r.stderr,
    /^warning: not applied: does not compile: E0277 `Later` is not a future\n {2}single-await-wrapper: .*\(src\/later\.rs:17\)/m,
  );
  assert.match(r.stderr, /2 fixes in 1 file, `cargo check` passed on a copy; run with --write to apply/);
  const unchecked = cli('fix', crate, '--no-verify');
  assert.equal(unchecked.code, 0, unchecked.stderr);
  assert.match(unchecked.stdout, /^\+\+\+ b\/src\/later\.rs$/m);
  assert.doesNotMatch(unchecked.stderr, /not applied/);
});

test('--write writes only the fixes that compile, and the crate builds', async () => {
  const crate = temp.fixture('verify');
  const original = snapshot(crate);
  const r = cli('fix', crate, '--write', '--allow-no-vcs');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /fixed: 2 fixes in 1 file, `cargo check` passed/);
  const now = snapshot(crate);
  for (const [file, bytes] of original) {
    if (file !== join('src', 'lib.rs')) assert.equal(now.get(file)?.equals(bytes), true, `${file} untouched`);
  }
  assert.notEqual(now.get(join('src', 'lib.rs'))?.equals(original.get(join('src', 'lib.rs'))!), true);
  const build = await cargo(crate, ['build', '--quiet'], target);
  assert.equal(build.ok, true, build.output);
});

test('savings leaves out a fix whose copy does not build, says so, and measures the others', async () => {
  const crate = temp.fixture('verify');
  const run = await measureSavings({
    build: { manifestPath: crate, log: () => {}, progress: false },
    scan: scanNoCache,
  });
  assert.deepEqual(
    run.dropped.map((d) => `${d.fix.file} ${d.fix.item} ${d.reason}`),
    ['src/later.rs later::wrapper does not compile: E0277 `Later` is not a future'],
  );
  assert.deepEqual(run.fixes.map((f) => f.item).sort(), ['answer', 'doubled']);
  assert.ok(run.after);
  assert.ok(run.savings.warnings.some((w) => /^not applied: single-await-wrapper: .*E0277/.test(w)));
  // The wrapper kept its coroutine: it is not among the removed items.
  assert.equal(
    run.savings.items.find((i) => i.name === 'wrapper' || i.name === 'later::wrapper'),
    undefined,
  );
  assert.equal(run.savings.items.find((i) => i.name === 'answer')?.status, 'removed');
});

test("cargo's JSON errors are read with their primary spans; other lines are counted", async () => {
  const crate = temp.fixture('verify');
  // The rewritten wrapper by hand, as the unchecked fix writes it.
  const later = join(crate, 'src/later.rs');
  writeFileSync(
    later,
    readFileSync(later, 'utf8').replace(
      'pub async fn wrapper(x: u32) -> u32 {\n    later(x).await',
      'pub fn wrapper(x: u32) -> impl ::core::future::Future<Output = u32> {\n    later(x)',
    ),
  );
  const r = await cargo(crate, ['check', '--message-format=json'], target);
  assert.equal(r.ok, false);
  const diag = readCheckDiagnostics(`${r.output}\nnot json\n`);
  assert.equal(diag.errors.length, 1, r.output);
  assert.equal(diag.errors[0]!.code, 'E0277');
  assert.ok(diag.errors[0]!.spans.some((s) => s.file === 'src/later.rs' && s.lineStart === 17));
  // cargo's stderr lines (progress) and the added line are not JSON.
  assert.ok(diag.unparsed.count >= 1);
  assert.ok(diag.unparsed.example !== '');
});

test('regions follow later rounds: lines inserted above move an earlier fix down', () => {
  const round1 = 'a\nb\nc\nd\n';
  // Round 1: fix 0 rewrites `c` into two lines.
  const r1 = moveRegions([], 'f.rs', round1, [{ file: 'f.rs', start: 4, end: 5, text: 'c1\nc2' }], [0]);
  assert.deepEqual(r1, [{ fix: 0, file: 'f.rs', startLine: 3, endLine: 4 }]);
  const round2 = 'a\nb\nc1\nc2\nd\n';
  // Round 2: fix 1 turns `a` into three lines; fix 0's lines move down by two.
  const r2 = moveRegions(r1, 'f.rs', round2, [{ file: 'f.rs', start: 0, end: 1, text: 'x\ny\nz' }], [1]);
  assert.deepEqual(r2, [
    { fix: 0, file: 'f.rs', startLine: 5, endLine: 6 },
    { fix: 1, file: 'f.rs', startLine: 1, endLine: 3 },
  ]);
});

/**
 * A loop over fixed fixes: `rerun` applies those `accept` takes; the check fails while `bad` is applied,
 * and with `allTargetsFail` whenever it checks `--all-targets` (a test target that never built).
 */
function simulated(all: AppliedFix[], bad: string, errorFile: string, allTargetsFail = false) {
  let applied = all;
  const result = (): FixLoopResult => ({
    applied,
    rounds: 1,
    remaining: [],
    withheld: [],
    skippedInBrokenFiles: { count: 0, example: '' },
    originals: new Map(),
    // Every fix wrote line 1 of its file; the error below points elsewhere, so only bisection finds it.
    regions: applied.map((f, i) => ({ fix: i, file: f.file, startLine: 1, endLine: 1 })),
  });
  const error = JSON.stringify({
    reason: 'compiler-message',
    message: {
      level: 'error',
      message: 'mismatched types',
      code: { code: 'E0308' },
      rendered: 'error[E0308]: mismatched types\n',
      spans: [{ file_name: errorFile, line_start: 40, line_end: 40, is_primary: true }],
    },
  });
  return verifyFixLoop({
    first: result(),
    rerun: async (accept: (f: FixIdentity) => boolean) => {
      applied = all.filter(accept);
      return result();
    },
    check: async (targets) => {
      const broken = applied.some((f) => fixKey(f) === bad) || (allTargetsFail && targets === 'all');
      return { ok: !broken, output: '', stdout: broken ? error : '' };
    },
    loopFile: (f) => f,
  });
}

const fixAt = (file: string, item: string): AppliedFix => ({
  rule: 'no-await',
  file,
  line: 1,
  item,
  description: '',
  applicability: 'machine-applicable',
  files: [file],
  round: 1,
});

test('an error no fix wrote is traced by bisection to the one fix that causes it', async () => {
  const all = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => fixAt(`src/${x}.rs`, x));
  const bad = fixKey(all[4]!);
  const v = await simulated(all, bad, 'src/user.rs');
  assert.equal(v.verification.status, 'passed');
  assert.deepEqual(
    v.dropped.map((d) => fixKey(d.fix)),
    [bad],
  );
  assert.equal(v.dropped[0]!.reason, 'does not compile: E0308 mismatched types');
  assert.equal(v.result.applied.length, 6);
  // 1 failing check + base + 3 bisection steps + 1 passing check.
  assert.ok(v.verification.checks <= 6, `${v.verification.checks} checks`);
});

test('a crate that fails without any fix is reported as unverifiable, dropping nothing', async () => {
  const all = [fixAt('src/a.rs', 'a')];
  // The failing "fix" is not among them: the check always fails.
  const v = await verifyFixLoop({
    first: {
      applied: all,
      rounds: 1,
      remaining: [],
      withheld: [],
      skippedInBrokenFiles: { count: 0, example: '' },
      originals: new Map(),
      regions: [],
    },
    rerun: async (accept) => ({
      applied: all.filter(accept),
      rounds: 1,
      remaining: [],
      withheld: [],
      skippedInBrokenFiles: { count: 0, example: '' },
      originals: new Map(),
      regions: [],
    }),
    check: async () => ({
      ok: false,
      output: '',
      stdout: JSON.stringify({
        reason: 'compiler-message',
        message: { level: 'error', message: 'cannot find value `x`', code: { code: 'E0425' }, spans: [] },
      }),
    }),
    loopFile: (f) => f,
  });
  assert.equal(v.verification.status, 'unverifiable');
  assert.match(v.verification.note ?? '', /does not compile without the fixes either: E0425/);
  assert.deepEqual(v.dropped, []);
  assert.equal(v.result.applied.length, 1);
});

test('when --all-targets fails without any fix, the fixes are checked as a plain `cargo check`, with a note', async () => {
  const all = ['a', 'b', 'c'].map((x) => fixAt(`src/${x}.rs`, x));
  const bad = fixKey(all[1]!);
  const v = await simulated(all, bad, 'src/user.rs', true);
  assert.equal(v.verification.status, 'passed');
  assert.equal(v.verification.targets, 'default');
  assert.match(
    v.verification.note ?? '',
    /^`cargo check --all-targets` fails without the fixes too \(E0308 mismatched types\), so they were checked with a plain `cargo check`/,
  );
  // The failure --all-targets had anyway blames nothing; the fix that breaks the libs is still found.
  assert.deepEqual(
    v.dropped.map((d) => fixKey(d.fix)),
    [bad],
  );
  assert.equal(v.result.applied.length, 2);
});

test("an error in a fix's own lines that the crate has without the fix too blames no fix", async () => {
  const all = [fixAt('src/a.rs', 'a'), fixAt('src/b.rs', 'b')];
  const loop = (applied: AppliedFix[]): FixLoopResult => ({
    applied,
    rounds: 1,
    remaining: [],
    withheld: [],
    skippedInBrokenFiles: { count: 0, example: '' },
    originals: new Map(),
    // Fix `a` wrote lines 1 to 5 of src/a.rs, where the crate's own error is.
    regions: applied.map((f, i) => ({ fix: i, file: f.file, startLine: 1, endLine: 5 })),
  });
  const checked: string[] = [];
  const v = await verifyFixLoop({
    first: loop(all),
    rerun: async (accept) => loop(all.filter(accept)),
    check: async (targets) => {
      checked.push(targets);
      return {
        ok: false,
        output: '',
        stdout: JSON.stringify({
          reason: 'compiler-message',
          message: {
            level: 'error',
            message: 'mismatched types',
            code: { code: 'E0308' },
            spans: [{ file_name: 'src/a.rs', line_start: 3, line_end: 3, is_primary: true }],
          },
        }),
      };
    },
    loopFile: (f) => f,
  });
  assert.equal(v.verification.status, 'unverifiable');
  assert.match(
    v.verification.note ?? '',
    /^the crate does not compile without the fixes either: E0308 mismatched types$/,
  );
  assert.deepEqual(v.dropped, []);
  assert.equal(v.result.applied.length, 2);
  // With the fixes, then without them: with --all-targets and as a plain `cargo check`.
  assert.deepEqual(checked, ['all', 'all', 'default']);
});
