// Safety of `fix --write` on a real crate: a rewrite that breaks compilation (found only by rustc, see
// test/fixtures/fix/rollback/src/later.rs) makes `cargo check` fail and every touched file is restored
// byte for byte (the plan is made with verification off, as `--no-verify` does, so the broken rewrite
// reaches the write); a dirty tree or a crate outside version control is refused before anything is written.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { planFixes, writePlan } from '../../src/fix/plan.ts';
import { scanNoCache, snapshot, TempDirs } from './support.ts';

const temp = new TempDirs();
before(() => {
  temp.sharedTarget();
});
after(() => temp.removeAll());

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], {
    cwd,
    stdio: 'pipe',
    encoding: 'utf8',
  });

function gitCrate(): string {
  const crate = temp.fixture('rollback');
  git(crate, 'init', '-q');
  git(crate, 'add', '.');
  git(crate, 'commit', '-q', '-m', 'fixture');
  return crate;
}

function assertUnchanged(dir: string, before: Map<string, Buffer>): void {
  const now = snapshot(dir);
  for (const [file, bytes] of before) assert.equal(now.get(file)?.equals(bytes), true, `${file} restored`);
}

test("a rewrite that fails cargo check is rolled back: every file byte for byte, with cargo's error shown", async () => {
  const crate = gitCrate();
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
      /does not compile, so all 2 changed file\(s\) were restored/.test(e.message) &&
      /error\[E0277\]: `Later` is not a future/.test(e.message) &&
      !/^\s+Checking /m.test(e.message),
  );
  assertUnchanged(crate, original);
  assert.equal(git(crate, 'status', '--porcelain'), '');
});

test('--no-verify writes without checking (here leaving the broken rewrite in place)', async () => {
  const crate = gitCrate();
  const plan = await planFixes({ path: crate, scan: scanNoCache, verify: false });
  await writePlan(plan, { allowDirty: false, allowNoVcs: false, verify: false });
  assert.match(
    readFileSync(join(crate, 'src/later.rs'), 'utf8'),
    /pub fn wrapper\(x: u32\) -> impl ::core::future::Future<Output = u32> \{\r\n {4}later\(x\)\r\n\}/,
  );
  assert.match(git(crate, 'status', '--porcelain'), /M src\/later\.rs/);
});

test('a dirty tree is refused before anything is written, listing the files', async () => {
  const crate = gitCrate();
  writeFileSync(
    join(crate, 'src/lib.rs'),
    `${readFileSync(join(crate, 'src/lib.rs'), 'utf8')}// local edit\n`,
  );
  const dirty = snapshot(crate);
  const plan = await planFixes({ path: crate, scan: scanNoCache, verify: false });
  await assert.rejects(
    writePlan(plan, { allowDirty: false, allowNoVcs: false, verify: false }),
    /uncommitted changes[\s\S]*--allow-dirty[\s\S]*\* src\/lib\.rs \(dirty\)/,
  );
  assertUnchanged(crate, dirty);
});

test('a crate outside version control is refused unless --allow-no-vcs', async () => {
  const crate = temp.fixture('rollback');
  const original = snapshot(crate);
  const plan = await planFixes({ path: crate, scan: scanNoCache, verify: false });
  await assert.rejects(
    writePlan(plan, { allowDirty: false, allowNoVcs: false, verify: false }),
    /no VCS found/,
  );
  assertUnchanged(crate, original);
});
