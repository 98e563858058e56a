// The scratch copy `fix` and `savings` work on: path dependencies that go up out of the copied tree must be
// found at the same relative place in the copy, or the copy does not build at all.
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { makeScratchCopy } from '../../src/fix/scratch-copy.ts';
import { TempDirs } from './support.ts';

const temp = new TempDirs();
after(() => temp.removeAll());

const manifest = (name: string, deps = '') =>
  `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps}`;

test('path dependencies outside the tree, and theirs, are linked at the same relative place', () => {
  const root = temp.make();
  const write = (rel: string, text: string) => {
    mkdirSync(resolve(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  write(
    'code/app/Cargo.toml',
    manifest('app', 'near = { path = "../near" }\nfar = { path = "../../shared/far" }\n'),
  );
  write('code/app/src/lib.rs', 'pub async fn f() {}\n');
  write('code/near/Cargo.toml', manifest('near'));
  write('shared/far/Cargo.toml', manifest('far', 'deeper = { path = "../deeper" }\n'));
  write('shared/deeper/Cargo.toml', manifest('deeper'));
  const copy = makeScratchCopy(join(root, 'code/app'));
  try {
    assert.ok(existsSync(join(copy.crateDir, 'src/lib.rs')), 'the crate itself is copied');
    assert.equal(lstatSync(join(copy.crateDir, 'src')).isSymbolicLink(), false);
    for (const dep of ['code/near', 'shared/far', 'shared/deeper']) {
      const at = resolve(copy.crateDir, '../..', dep);
      assert.ok(at.startsWith(resolve(copy.dir, '..', '..')), `${dep} stays inside the scratch dir`);
      assert.equal(lstatSync(at).isSymbolicLink(), true, `${dep} is linked, not copied`);
      assert.equal(readlinkSync(at), join(root, dep));
    }
  } finally {
    copy.remove();
  }
  assert.ok(existsSync(join(root, 'shared/far/Cargo.toml')), 'removing the copy leaves the originals');
});
