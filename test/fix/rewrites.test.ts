// The rewrites on a fixture crate, checked by the real toolchain: the crate's own tests (which drive every
// future with a tiny executor) pass before and after `fix`, the result still compiles, the rewrites that
// must not happen do not, and the printed diff is exactly what --write writes. The maybe-incorrect fixes
// are left out by default and applied with `allowEager` (--allow-eager), where the fixture's test of what
// they change (`effects_wait_for_the_first_poll`) then fails, and only that one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type FixPlan, planFixes, renderDiffs, writePlan } from '../../src/fix/plan.ts';
import { cargo, scanNoCache, snapshot, TempDirs } from './support.ts';

const temp = new TempDirs();
let crate: string;
let target: string;
let plan: FixPlan;
let eagerCrate: string;
let eager: FixPlan;

before(async () => {
  crate = temp.fixture('rewrites');
  target = temp.make('ab-target-');
  eagerCrate = temp.fixture('rewrites');
  [plan, eager] = await Promise.all([
    planFixes({ path: crate, scan: scanNoCache }),
    planFixes({ path: eagerCrate, scan: scanNoCache, allowEager: true }),
  ]);
});
after(() => temp.removeAll());

const applied = (rule: string) =>
  plan.applied
    .filter((a) => a.rule === rule)
    .map((a) => a.item)
    .sort();

test("the fixture's own tests pass before the fix", async () => {
  const r = await cargo(crate, ['test', '--quiet'], target);
  assert.equal(r.ok, true, r.output);
});

test('each rewrite is applied where it keeps the program, and round 2 picks up what round 1 exposed', () => {
  assert.deepEqual(applied('duplicate-arm-awaits'), [
    'Svc::choose',
    'crlf::crlf_pick',
    'from_option',
    'log_if',
    'pair',
    'pick',
  ]);
  // pick, pair and crlf_pick only become single-await wrappers once their match is hoisted.
  // pick, pair and choose forward to an async fn of their own file once hoisted: machine-applicable. crlf_pick
  // forwards to `send` of another file, which may do more than create a future: withheld (below).
  assert.deepEqual(applied('single-await-wrapper'), [
    'Svc::choose',
    'Svc::get_plus',
    'pair',
    'pick',
    'via_ref',
    'wrap',
    'wrap_pre',
  ]);
  assert.deepEqual(applied('no-await'), ['add_one', 'as_value', 'triple']);
  assert.deepEqual(
    plan.applied
      .filter((a) => a.round === 2)
      .map((a) => a.item)
      .sort(),
    ['Svc::choose', 'pair', 'pick'],
  );
  assert.equal(plan.rounds, 2);
  assert.deepEqual(plan.remaining, []);
  assert.deepEqual(
    plan.applied.filter((a) => a.applicability !== 'machine-applicable'),
    [],
    'without allowEager only machine-applicable fixes are applied, in every round',
  );
  const addOne = plan.applied.find((a) => a.item === 'add_one')!;
  assert.match(addOne.description, /drop `async` from `add_one` and the `.await` at its 2 call sites/);
  assert.equal(addOne.caveat, undefined);
  // `x * 3` runs at the call instead of the first poll, which changes nothing: no caveat.
  assert.equal(plan.applied.find((a) => a.item === 'triple')!.caveat, undefined);
  // What was left out, and why.
  assert.deepEqual(plan.withheld.map((w) => `${w.rule} ${w.item} ${w.applicability}`).sort(), [
    'no-await bump maybe-incorrect',
    'single-await-wrapper crlf::crlf_pick maybe-incorrect',
    'single-await-wrapper wrap_counted maybe-incorrect',
  ]);
  const caveat = (item: string) => plan.withheld.find((w) => w.item === item)!.caveat ?? '';
  assert.match(
    caveat('bump'),
    /^`bump` would run its body when called, not at its first poll: the method call `c\.get\(\)` then happens at the call/,
  );
  assert.match(caveat('wrap_counted'), /the call `next_id\(c\)` then happens at the call/);
  assert.match(
    caveat('crlf::crlf_pick'),
    /the call `send\(if k \{.*\(it may do more than create its future/s,
  );
});

test('with allowEager the maybe-incorrect fixes are applied too, and only they are added', () => {
  const keys = (p: FixPlan) => p.applied.map((a) => `${a.rule} ${a.item}`).sort();
  const added = keys(eager).filter((k) => !keys(plan).includes(k));
  assert.deepEqual(added, [
    'no-await bump',
    'single-await-wrapper crlf::crlf_pick',
    'single-await-wrapper wrap_counted',
  ]);
  assert.deepEqual(
    keys(plan).filter((k) => !keys(eager).includes(k)),
    [],
  );
  for (const a of eager.applied) {
    const maybe = added.includes(`${a.rule} ${a.item}`);
    assert.equal(a.applicability, maybe ? 'maybe-incorrect' : 'machine-applicable', a.item);
  }
  assert.deepEqual(eager.withheld, []);
  assert.equal(eager.allowEager, true);
});

test('the diff carries one header line per fix; a maybe-incorrect one says what --write does with it', () => {
  const diff = renderDiffs(plan);
  assert.match(diff, /^# no-await: return a ready future instead of a coroutine \(src\/lib\.rs:\d+\)$/m);
  assert.doesNotMatch(diff, /maybe incorrect|not applied by --write/);
  // The dry run shows every fix: the maybe-incorrect ones say that --write leaves them out, and why.
  const shown = renderDiffs(eager, false);
  assert.match(
    shown,
    /^# no-await: return a ready future instead of a coroutine \(src\/lib\.rs:\d+\); not applied by --write: `bump` would run its body when called, not at its first poll: the method call `c\.get\(\)` then happens at the call, even if the future is never polled; pass --allow-eager to apply$/m,
  );
  assert.equal(shown.match(/not applied by --write/g)?.length, 3);
  // With --allow-eager they are applied, still marked.
  const allowed = renderDiffs(eager);
  assert.equal(allowed.match(/; maybe incorrect: /g)?.length, 3);
  assert.doesNotMatch(allowed, /not applied by --write/);
  assert.match(diff, /^--- a\/src\/crlf\.rs$/m);
  assert.match(diff, /^\+\+\+ b\/src\/lib\.rs$/m);
  // The user's tree is not touched by planning.
  assert.equal(readFileSync(join(crate, 'src/lib.rs'), 'utf8').includes('pub async fn triple'), true);
});

test('the printed diff, applied with git apply, gives exactly the files --write writes', async () => {
  const viaDiff = temp.fixture('rewrites');
  writeFileSync(join(viaDiff, 'fix.diff'), renderDiffs(plan));
  execFileSync('git', ['apply', 'fix.diff'], { cwd: viaDiff, stdio: 'pipe' });
  await writePlan(plan, {
    allowDirty: true,
    allowNoVcs: true,
    verify: true,
    check: async () => ({ ok: true, output: '', stdout: '' }),
  });
  // Sources only: the first test's cargo run left a Cargo.lock in the crate.
  const sources = (m: Map<string, Buffer>) => new Map([...m].filter(([f]) => f.startsWith('src/')));
  const written = sources(snapshot(crate));
  const patched = sources(snapshot(viaDiff));
  assert.deepEqual([...patched.keys()].sort(), [...written.keys()].sort());
  for (const [file, bytes] of written) assert.equal(bytes.equals(patched.get(file)!), true, file);
});

test('after the fix the crate compiles, its tests pass, and BOM and CRLF are kept', async () => {
  const r = await cargo(crate, ['test', '--quiet'], target);
  assert.equal(r.ok, true, r.output);
  const crlf = readFileSync(join(crate, 'src/crlf.rs'));
  assert.equal(crlf.subarray(0, 3).toString('hex'), 'efbbbf');
  const text = crlf.toString('utf8');
  assert.equal(text.split('\n').length - 1, text.split('\r\n').length - 1, 'every newline is still CRLF');
  // The hoisted match, still awaited: the wrapper left is maybe-incorrect (`send` is in another file).
  assert.match(text, /send\(if k \{\r\n {8}10\r\n {4}\} else \{\r\n {8}20\r\n {4}\}\)\.await\r\n/);
});

test('with the maybe-incorrect fixes applied, only the test of the ordering they change fails', async () => {
  await writePlan(eager, {
    allowDirty: true,
    allowNoVcs: true,
    verify: true,
    check: async () => ({ ok: true, output: '', stdout: '' }),
  });
  const r = await cargo(eagerCrate, ['test', '--quiet', '--', '--test-threads=1'], target);
  assert.equal(r.ok, false, r.output);
  assert.match(r.output, /test result: FAILED\. \d+ passed; 1 failed/);
  assert.match(r.output, /^ {4}tests::effects_wait_for_the_first_poll$/m);
  // Both rounds kept the BOM and CRLF, the second one removing the `.await` of the hoisted match.
  const crlf = readFileSync(join(eagerCrate, 'src/crlf.rs'));
  assert.equal(crlf.subarray(0, 3).toString('hex'), 'efbbbf');
  assert.match(
    crlf.toString('utf8'),
    /pub fn crlf_pick\(k: bool\) -> impl ::core::future::Future<Output = u32> \{\r\n {4}send\(if k \{\r\n {8}10\r\n {4}\} else \{\r\n {8}20\r\n {4}\}\)\r\n/,
  );
});

test('a rescan finds only the maybe-incorrect fixes; what is left says why it is not fixable', async () => {
  const report = await scanNoCache(crate);
  assert.deepEqual(
    report.findings
      .filter((f) => f.fix)
      .map((f) => `${f.rule} ${f.item} ${f.fix!.applicability}`)
      .sort(),
    [
      'no-await bump maybe-incorrect',
      'single-await-wrapper crlf::crlf_pick maybe-incorrect',
      'single-await-wrapper wrap_counted maybe-incorrect',
    ],
  );
  const left = report.findings
    .filter((f) => !f.fix)
    .map((f) => `${f.rule} ${f.item}: ${f.help.slice(f.help.indexOf('not fixable:'))}`)
    .sort();
  assert.deepEqual(left, [
    // The crate has no `futures` dependency, whose `Either` the rewrite returns.
    'branch-wrapper different: not fixable: no dependency has an `Either` future to return (`futures`, `futures-util` or `either`)',
    'duplicate-arm-awaits effects_first: not fixable: an argument before the differing one would be evaluated before the condition',
    'no-await early: not fixable: the body uses `?`',
    'single-await-wrapper holds_guard: not fixable: the argument `_g` would be dropped before the future completes',
    'single-await-wrapper local_receiver: not fixable: the future may borrow its receiver `s`, which would not outlive the new fn',
  ]);
});
