// `fix` on crates whose `cargo check --all-targets` fails before any rewrite: a `#![no_std]` crate with its
// own `#[panic_handler]` (test/fixtures/fix/nostd: its `lib test` target links std, E0152) is checked with
// a plain `cargo check` instead, which still catches the one rewrite that breaks; a crate that does not
// compile at all (test/fixtures/fix/broken) is never reported as broken by a rewrite, in the dry run or by
// `--write`, and `--write` restores every file. Everything runs the real cargo on copies of the fixtures.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../src/errors.ts';
import { planFixes, writePlan } from '../../src/fix/plan.ts';
import { cargo, scanNoCache, snapshot, TempDirs } from './support.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const temp = new TempDirs();
let target: string;
before(() => {
  target = temp.sharedTarget();
});
after(() => temp.removeAll());

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], {
    cwd,
    stdio: 'pipe',
    encoding: 'utf8',
  });

function gitFixture(name: string): string {
  const crate = temp.fixture(name);
  git(crate, 'init', '-q');
  git(crate, 'add', '.');
  git(crate, 'commit', '-q', '-m', 'fixture');
  return crate;
}

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: target },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertUnchanged(dir: string, was: Map<string, Buffer>): void {
  const now = snapshot(dir);
  for (const [file, bytes] of was) assert.equal(now.get(file)?.equals(bytes), true, `${file} unchanged`);
}

const E0152_NOTE =
  /^`cargo check --all-targets` fails without the fixes too \(.*E0152.* found duplicate lang item `panic_impl`\), so they were checked with a plain `cargo check` \(libs and bins; tests, examples and benches not checked\)$/;

test('the no_std fixture is what the tests below need: plain check passes, --all-targets fails with E0152', async () => {
  const crate = temp.fixture('nostd');
  const plain = await cargo(crate, ['check'], target);
  assert.equal(plain.ok, true, plain.output);
  const all = await cargo(crate, ['check', '--all-targets'], target);
  assert.equal(all.ok, false);
  assert.match(all.output, /error\[E0152\]: found duplicate lang item `panic_impl`/);
  assert.match(all.output, /could not compile `fix_nostd` \(lib test\)/);
});

test('no_std with a panic handler: the dry run checks libs and bins, says so, and still drops the broken fix', async () => {
  const plan = await planFixes({ path: temp.fixture('nostd'), scan: scanNoCache });
  assert.equal(plan.verification.status, 'passed');
  assert.equal(plan.verification.targets, 'default');
  assert.match(plan.verification.note ?? '', E0152_NOTE);
  assert.deepEqual(
    plan.dropped.map((d) => `${d.fix.rule} ${d.fix.file} ${d.fix.item} ${d.reason}`),
    ['single-await-wrapper src/later.rs later::wrapper does not compile: E0277 `Later` is not a future'],
  );
  assert.deepEqual(plan.applied.map((a) => `${a.rule} ${a.item}`).sort(), [
    'no-await answer',
    'single-await-wrapper doubled',
  ]);
});

test('no_std with a panic handler: `fix --write` writes the fixes that compile and the crate builds', async () => {
  const crate = gitFixture('nostd');
  const original = snapshot(crate);
  const r = cli('fix', crate, '--write');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^note: `cargo check --all-targets` fails without the fixes too \(E0152 /m);
  assert.match(r.stderr, /^warning: not applied: does not compile: E0277 `Later` is not a future$/m);
  assert.match(r.stderr, /^fixed: 2 fixes in 1 file, `cargo check` \(libs and bins\) passed$/m);
  assert.doesNotMatch(r.stderr, /restored|please report/);
  const lib = readFileSync(join(crate, 'src/lib.rs'), 'utf8');
  assert.match(lib, /pub fn answer\(\) -> impl ::core::future::Future<Output = u32> \{/);
  assert.equal(git(crate, 'status', '--porcelain', '--untracked-files=no'), ' M src/lib.rs\n');
  assertUnchanged(crate, new Map([...original].filter(([f]) => f !== join('src', 'lib.rs'))));
  const build = await cargo(crate, ['build', '--quiet'], target);
  assert.equal(build.ok, true, build.output);
});

test('--write without a verified plan: a failure --all-targets had before the fixes falls back to libs and bins', async () => {
  // The plan unchecked (as if the dry run had not run), and only the fix that compiles: verifyOrRollback
  // finds the failing test target itself, on the crate as it was, and writes the fix again.
  const crate = gitFixture('nostd');
  const plan = await planFixes({ path: crate, scan: scanNoCache, verify: false, rules: ['no-await'] });
  assert.equal(plan.verification.targets, undefined);
  assert.deepEqual(
    plan.applied.map((a) => a.item),
    ['answer'],
  );
  const checked = await writePlan(plan, { allowDirty: false, allowNoVcs: false, verify: true });
  assert.equal(checked?.targets, 'default');
  assert.match(
    checked?.note ?? '',
    /^`cargo check --all-targets` fails without the fixes too \(`fix_nostd` did not compile: error\[E0152\]/,
  );
  assert.match(readFileSync(join(crate, 'src/lib.rs'), 'utf8'), /::core::future::ready\(42\)/);
  assert.equal(git(crate, 'status', '--porcelain', '--untracked-files=no'), ' M src/lib.rs\n');
});

test('--write without a verified plan: a fix that breaks the libs is still blamed and every file restored', async () => {
  const crate = gitFixture('nostd');
  const original = snapshot(crate);
  const plan = await planFixes({ path: crate, scan: scanNoCache, verify: false });
  assert.deepEqual(
    plan.changes.map((c) => c.file),
    ['src/later.rs', 'src/lib.rs'],
  );
  await assert.rejects(
    writePlan(plan, { allowDirty: false, allowNoVcs: false, verify: true }),
    (e: Error) =>
      e instanceof UserError &&
      /^the rewritten crate does not compile, so all 2 changed file\(s\) were restored \(`cargo check --all-targets` fails without the fixes too/.test(
        e.message,
      ) &&
      /`cargo check` said:\nerror\[E0277\]: `Later` is not a future/.test(e.message) &&
      /please report the failing rewrite/.test(e.help ?? ''),
  );
  assertUnchanged(crate, original);
  assert.equal(git(crate, 'status', '--porcelain', '--untracked-files=no'), '');
});

test('a crate that does not compile: the dry run blames no fix, and --write refuses and restores', async () => {
  const crate = gitFixture('broken');
  const original = snapshot(crate);
  const r = cli('fix', crate);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^warning: the fixes could not be checked with `cargo check`: the crate does not compile without the fixes either: E0277 cannot add `&str` to `u8`$/m,
  );
  assert.doesNotMatch(r.stderr, /not applied/);
  assert.match(r.stdout, /^\+pub fn answer\(\) -> impl ::core::future::Future<Output = u32> \{/m);

  const w = cli('fix', crate, '--write');
  assert.equal(w.code, 2, w.stderr);
  assert.match(
    w.stderr,
    /^error: the crate does not compile without the fixes either \(`cargo check` fails on it as it was\), so the fixes cannot be checked; all 1 changed file\(s\) were restored$/m,
  );
  assert.match(w.stderr, /^error\[E0277\]: cannot add `&str` to `u8`$/m);
  assert.match(w.stderr, /help: make the crate build first, or write the fixes unchecked with --no-verify/);
  assert.doesNotMatch(w.stderr, /rewritten crate does not compile|please report/);
  assertUnchanged(crate, original);
  assert.equal(git(crate, 'status', '--porcelain', '--untracked-files=no'), '');
});
