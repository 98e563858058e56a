// The rewrites on a fixture crate, checked by the real toolchain: the crate's own tests (which drive every
// future with a tiny executor) pass before and after `fix`, the result still compiles, the rewrites that
// must not happen do not, and the printed diff is exactly what --write writes.
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

before(async () => {
  crate = temp.fixture('rewrites');
  target = temp.make('ab-target-');
  plan = await planFixes({ path: crate, scan: scanNoCache });
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
  assert.deepEqual(applied('single-await-wrapper'), [
    'Svc::choose',
    'Svc::get_plus',
    'crlf::crlf_pick',
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
    ['Svc::choose', 'crlf::crlf_pick', 'pair', 'pick'],
  );
  assert.equal(plan.rounds, 2);
  assert.deepEqual(plan.remaining, []);
  const addOne = plan.applied.find((a) => a.item === 'add_one')!;
  assert.match(addOne.description, /drop `async` from `add_one` and the `.await` at its 2 call sites/);
  assert.equal(addOne.caveat, undefined);
  const triple = plan.applied.find((a) => a.item === 'triple')!;
  assert.match(triple.caveat ?? '', /preamble now runs at the call instead of the first poll/);
});

test('the diff carries one header line per fix with its caveat', () => {
  const diff = renderDiffs(plan);
  assert.match(
    diff,
    /^# no-await: return a ready future instead of a coroutine \(src\/lib\.rs:\d+\); note: the preamble now runs at the call instead of the first poll$/m,
  );
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
  assert.match(text, /send\(if k \{\r\n {8}10\r\n {4}\} else \{\r\n {8}20\r\n {4}\}\)\r\n/);
});

test('a rescan finds nothing fixable; what is left says why it is not fixable', async () => {
  const report = await scanNoCache(crate);
  assert.deepEqual(
    report.findings.filter((f) => f.fix),
    [],
  );
  const left = report.findings
    .map((f) => `${f.rule} ${f.item}: ${f.help.slice(f.help.indexOf('not fixable:'))}`)
    .sort();
  assert.deepEqual(left, [
    'duplicate-arm-awaits effects_first: not fixable: an argument before the differing one would be evaluated before the condition',
    'no-await early: not fixable: the body uses `?`',
    'single-await-wrapper holds_guard: not fixable: the argument `_g` would be dropped before the future completes',
    'single-await-wrapper local_receiver: not fixable: the future may borrow its receiver `s`, which would not outlive the new fn',
  ]);
});
