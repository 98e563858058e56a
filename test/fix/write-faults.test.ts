// `fix --write` when the file system refuses: a write that fails names its file and restores the files
// written before it; a rollback that fails names the file, says the tree may be partly rewritten, and
// keeps the journal, from which `fix --undo` finishes the job. The fault is real, not mocked, and works as
// root too: a directory sits where the atomic write wants its temporary file (EISDIR).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { journalPathOf, undoFix } from '../../src/fix/journal.ts';
import { planFixes, writePlan } from '../../src/fix/plan.ts';
import { tempFileOf } from '../../src/fix/write-files.ts';
import { scanNoCache, snapshot, TempDirs, wrapperCrate } from './support.ts';

const temp = new TempDirs();
const target = temp.sharedTarget();
after(() => temp.removeAll());

/** Makes the next atomic write of `file` by this process fail. */
const block = (crate: string, file: string) => mkdirSync(tempFileOf(join(crate, file)));
const unblock = (crate: string, file: string) => rmSync(tempFileOf(join(crate, file)), { recursive: true });

const noTemp = (crate: string) =>
  assert.deepEqual(
    readdirSync(join(crate, 'src')).filter((f) => f.endsWith('.tmp')),
    [],
  );

test('a write that fails names the file and restores the ones written before it; the journal goes', async () => {
  const crate = wrapperCrate(temp, 3);
  const original = snapshot(crate);
  const plan = await planFixes({ path: crate, scan: scanNoCache, verify: false });
  assert.deepEqual(
    plan.changes.map((c) => c.file),
    ['src/m0.rs', 'src/m1.rs', 'src/m2.rs'],
  );
  block(crate, 'src/m1.rs');
  await assert.rejects(
    writePlan(plan, { allowDirty: false, allowNoVcs: false, verify: false }),
    (e: Error) =>
      e instanceof UserError &&
      /^cannot write 'src\/m1\.rs': EISDIR; the 1 file\(s\) written before it were restored$/.test(e.message),
  );
  unblock(crate, 'src/m1.rs');
  assert.deepEqual(snapshot(crate), original);
  assert.equal(existsSync(journalPathOf(target)), false);
  noTemp(crate);
});

test('a rollback that fails names the file, says the tree may be partly rewritten, and fix --undo restores it', async () => {
  const crate = wrapperCrate(temp, 3);
  const original = snapshot(crate);
  const plan = await planFixes({ path: crate, scan: scanNoCache, verify: false });
  // The check fails (as a rewrite that does not compile would), and m0 cannot be put back.
  const failingCheck = async () => {
    block(crate, 'src/m0.rs');
    return { ok: false, output: 'error[E0000]: injected', stdout: '' };
  };
  await assert.rejects(
    writePlan(plan, { allowDirty: false, allowNoVcs: false, verify: true, check: failingCheck }),
    (e: Error) =>
      e instanceof UserError &&
      /could not restore 1 file\(s\) after a failed fix: \S*src\/m0\.rs \(EISDIR\); the tree may be partly rewritten/.test(
        e.message,
      ) &&
      /fix --undo/.test(e.help ?? ''),
  );
  const now = snapshot(crate);
  assert.equal(now.get('src/m0.rs')?.equals(original.get('src/m0.rs')!), false, 'm0 is still rewritten');
  assert.equal(now.get('src/m1.rs')?.equals(original.get('src/m1.rs')!), true, 'm1 was restored');
  assert.equal(existsSync(journalPathOf(target)), true, 'the journal is kept');

  unblock(crate, 'src/m0.rs');
  const undone = undoFix(target, crate);
  assert.deepEqual(undone.restored, ['src/m0.rs']);
  assert.deepEqual(undone.alreadyOriginal, ['src/m1.rs', 'src/m2.rs']);
  assert.deepEqual(undone.changed, []);
  assert.deepEqual(snapshot(crate), original);
  assert.equal(existsSync(journalPathOf(target)), false);
  noTemp(crate);
});

test('fix --undo leaves a file edited since the fix as it is, names it, and keeps the journal', async () => {
  const crate = wrapperCrate(temp, 2);
  const original = snapshot(crate);
  const plan = await planFixes({ path: crate, scan: scanNoCache, verify: false });
  await writePlan(plan, { allowDirty: false, allowNoVcs: false, verify: false });
  const edited = Buffer.from('// edited by hand\n');
  writeFileSync(join(crate, 'src/m1.rs'), edited);
  const undone = undoFix(target, crate);
  assert.deepEqual(undone.restored, ['src/m0.rs']);
  assert.deepEqual(undone.changed, ['src/m1.rs']);
  assert.equal(undone.state, 'done');
  assert.equal(snapshot(crate).get('src/m0.rs')?.equals(original.get('src/m0.rs')!), true);
  assert.equal(snapshot(crate).get('src/m1.rs')?.equals(edited), true);
  assert.equal(existsSync(journalPathOf(target)), true);
});
