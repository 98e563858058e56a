// `savings` on crates that do not build as they are, or whose tests do not: a crate that does not compile
// shows cargo's errors once (the fixed copy, built alongside, stays silent) and the error names the user's
// crate, not the scratch copy; a `#![no_std]` crate with its own `#[panic_handler]` (whose `--all-targets`
// check fails before any fix) still gets its broken fix found and left out, and so does a crate that only
// builds with a feature (the checks use the build's cargo flags). Real cargo, fixture copies.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { measureSavings } from '../../src/fix/measure-savings.ts';
import { cargo, scanNoCache, TempDirs } from './support.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const temp = new TempDirs();
let target: string;
before(() => {
  target = temp.sharedTarget();
});
after(() => temp.removeAll());

test('savings on a crate that does not compile: cargo errors once, the error names the crate, no after build shown', async () => {
  const crate = temp.fixture('broken');
  // A Cargo.lock listing only the crate itself: the two builds run side by side, so the fixed copy's
  // build (which fails the same way) does run; its messages must not be shown.
  const lock = await cargo(crate, ['generate-lockfile', '--offline'], target);
  assert.equal(lock.ok, true, lock.output);
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'savings', crate], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: target },
  });
  assert.equal(r.status, 2, r.stderr);
  assert.ok(existsSync(join(target, 'asyncbloat-savings-after')), 'the fixed copy was built in parallel');
  assert.equal(r.stderr.match(/^error\[E0277\]: cannot add `&str` to `u8`$/gm)?.length, 1, r.stderr);
  assert.equal(r.stderr.match(/^error: could not compile `fix_broken` \(lib\)/gm)?.length, 1, r.stderr);
  assert.ok(r.stderr.includes(`error: could not build ${join(crate, 'Cargo.toml')} for analysis`), r.stderr);
  assert.ok(!r.stderr.includes(join(tmpdir(), 'asyncbloat-')), r.stderr);
  assert.equal(r.stdout, '');
});

test('savings on a no_std crate with a panic handler leaves out the fix that breaks and measures the others', async () => {
  const run = await measureSavings({
    build: { manifestPath: temp.fixture('nostd'), log: () => {}, progress: false },
    scan: scanNoCache,
  });
  assert.deepEqual(
    run.dropped.map((d) => `${d.fix.file} ${d.fix.item} ${d.reason}`),
    ['src/later.rs later::wrapper does not compile: E0277 `Later` is not a future'],
  );
  assert.deepEqual(run.fixes.map((f) => f.item).sort(), ['answer', 'doubled']);
  assert.ok(run.after);
  assert.equal(run.savings.items.find((i) => i.name === 'answer')?.status, 'removed');
});

test('savings checks the fixes with the features it builds with: a crate that needs --features board', async () => {
  const crate = temp.fixture('features');
  const plain = await cargo(crate, ['check'], target);
  assert.equal(plain.ok, false, 'the fixture builds only with its feature');
  assert.match(plain.output, /select a board/);
  const run = await measureSavings({
    build: { manifestPath: crate, features: ['board'], log: () => {}, progress: false },
    scan: scanNoCache,
  });
  assert.deepEqual(
    run.dropped.map((d) => `${d.fix.file} ${d.fix.item} ${d.reason}`),
    ['src/later.rs later::wrapper does not compile: E0277 `Later` is not a future'],
  );
  assert.deepEqual(
    run.fixes.map((f) => f.item),
    ['answer'],
  );
  assert.ok(run.after);
});
