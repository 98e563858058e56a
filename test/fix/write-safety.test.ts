// Writing into the user's tree: atomic replace with mode kept, byte-exact rollback, refusal of paths that
// leave the crate, and cargo fix's dirty-tree / no-VCS refusals (checked against a real temporary git repo).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { checkVcs, dirtyFiles } from '../../src/fix/git-state.ts';
import { resolveInside, WriteTransaction } from '../../src/fix/write-files.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ab-write-'));
  dirs.push(d);
  return d;
}
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, stdio: 'pipe' });

test('a transaction writes atomically, keeps the mode, and rolls back byte for byte', () => {
  const root = tempDir();
  mkdirSync(join(root, 'src'));
  const original = Buffer.from('\uFEFFasync fn a() {}\r\n// 送信\r\n', 'utf8');
  writeFileSync(join(root, 'src/lib.rs'), original);
  chmodSync(join(root, 'src/lib.rs'), 0o640);
  writeFileSync(join(root, 'src/other.rs'), 'fn b() {}');
  const tx = new WriteTransaction(root);
  tx.write('src/lib.rs', Buffer.from('fn a() {}\n'));
  tx.write('src/lib.rs', Buffer.from('fn a2() {}\n'));
  tx.write('src/other.rs', Buffer.from(''));
  assert.equal(readFileSync(join(root, 'src/lib.rs'), 'utf8'), 'fn a2() {}\n');
  assert.equal(statSync(join(root, 'src/lib.rs')).mode & 0o777, 0o640);
  assert.equal(tx.touched.length, 2);
  assert.deepEqual(tx.rollback(), []);
  assert.equal(readFileSync(join(root, 'src/lib.rs')).equals(original), true);
  assert.equal(readFileSync(join(root, 'src/other.rs'), 'utf8'), 'fn b() {}');
  assert.equal(statSync(join(root, 'src/lib.rs')).mode & 0o777, 0o640);
  // No temporary files left behind.
  assert.deepEqual(readdirSync(join(root, 'src')).sort(), ['lib.rs', 'other.rs']);
});

test('files outside the crate root, also through symlinks, are refused', () => {
  const outside = tempDir();
  writeFileSync(join(outside, 'victim.rs'), 'fn v() {}');
  const root = tempDir();
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src/lib.rs'), 'fn a() {}');
  symlinkSync(join(outside, 'victim.rs'), join(root, 'src/link.rs'));
  symlinkSync('lib.rs', join(root, 'src/inner.rs'));
  assert.throws(() => resolveInside(root, 'src/link.rs'), UserError);
  assert.throws(() => resolveInside(root, '../victim.rs'), UserError);
  assert.throws(() => resolveInside(root, join(outside, 'victim.rs')), UserError);
  // A link that stays inside resolves to its target, so the rename replaces the file, not the link.
  assert.equal(resolveInside(root, 'src/inner.rs'), resolveInside(root, 'src/lib.rs'));
  const tx = new WriteTransaction(root);
  assert.throws(() => tx.write('src/link.rs', Buffer.from('pwned')), UserError);
  assert.equal(readFileSync(join(outside, 'victim.rs'), 'utf8'), 'fn v() {}');
});

test('no VCS: refused unless --allow-no-vcs', () => {
  const root = tempDir();
  assert.throws(
    () => checkVcs(root, { allowDirty: false, allowNoVcs: false }),
    /no VCS found.*--allow-no-vcs/,
  );
  checkVcs(root, { allowDirty: false, allowNoVcs: true });
});

test('dirty tree: refused with the dirty and staged files listed, unless --allow-dirty', () => {
  const root = tempDir();
  git(root, 'init', '-q');
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src/lib.rs'), 'fn a() {}\n');
  writeFileSync(join(root, '.gitignore'), 'target/\n');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'init');
  checkVcs(root, { allowDirty: false, allowNoVcs: false });
  mkdirSync(join(root, 'target'));
  writeFileSync(join(root, 'target/ignored'), 'x');
  checkVcs(root, { allowDirty: false, allowNoVcs: false });
  writeFileSync(join(root, 'src/lib.rs'), 'fn a() { }\n');
  writeFileSync(join(root, 'src/new.rs'), '');
  writeFileSync(join(root, 'staged.rs'), '');
  git(root, 'add', 'staged.rs');
  assert.deepEqual(dirtyFiles(root), [
    { path: 'src/lib.rs', state: 'dirty' },
    { path: 'staged.rs', state: 'staged' },
    { path: 'src/new.rs', state: 'dirty' },
  ]);
  assert.throws(
    () => checkVcs(root, { allowDirty: false, allowNoVcs: false }),
    (e: Error) =>
      e instanceof UserError &&
      e.message.includes('uncommitted changes') &&
      e.message.includes('--allow-dirty') &&
      e.message.includes('  * src/lib.rs (dirty)') &&
      e.message.includes('  * staged.rs (staged)'),
  );
  checkVcs(root, { allowDirty: true, allowNoVcs: false });
});

test('after a rollback, reapply writes the same bytes again, but not over a file changed meanwhile', () => {
  const root = tempDir();
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src/a.rs'), 'a0');
  writeFileSync(join(root, 'src/b.rs'), 'b0');
  const tx = new WriteTransaction(root);
  tx.write('src/a.rs', Buffer.from('a1'));
  tx.write('src/b.rs', Buffer.from('b1'));
  assert.deepEqual(tx.rollback(), []);
  assert.equal(readFileSync(join(root, 'src/a.rs'), 'utf8'), 'a0');
  // A second rollback with nothing written since changes nothing and keeps what reapply needs.
  assert.deepEqual(tx.rollback(), []);
  tx.reapply();
  assert.equal(readFileSync(join(root, 'src/a.rs'), 'utf8'), 'a1');
  assert.equal(readFileSync(join(root, 'src/b.rs'), 'utf8'), 'b1');
  assert.equal(tx.touched.length, 2);
  assert.deepEqual(tx.rollback(), []);
  assert.equal(readFileSync(join(root, 'src/b.rs'), 'utf8'), 'b0');

  writeFileSync(join(root, 'src/b.rs'), 'b-edited');
  assert.throws(
    () => tx.reapply(),
    (e: Error) => e instanceof UserError && /b\.rs' changed while/.test(e.message),
  );
  assert.equal(readFileSync(join(root, 'src/b.rs'), 'utf8'), 'b-edited');
  // What reapply wrote before it stopped is rolled back.
  assert.deepEqual(tx.rollback(), []);
  assert.equal(readFileSync(join(root, 'src/a.rs'), 'utf8'), 'a0');
});
