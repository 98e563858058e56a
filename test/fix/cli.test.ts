// The `fix` and `savings` commands end to end, as a user runs them (through tsx, from source).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { snapshot, TempDirs } from './support.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const temp = new TempDirs();
after(() => temp.removeAll());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(temp.make('ab-target-'), 't') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('fix prints diffs by default and leaves the files alone', () => {
  const crate = temp.fixture('rewrites');
  const before = snapshot(crate);
  const r = cli('fix', crate, '--rule', 'no-await');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# no-await: drop `async` from `add_one`/m);
  assert.match(r.stdout, /^-pub async fn triple\(x: u32\) -> u32 \{$/m);
  assert.doesNotMatch(r.stdout, /single-await-wrapper/);
  assert.match(r.stderr, /3 fixes in 1 file, `cargo check` passed on a copy; run with --write to apply/);
  const now = snapshot(crate);
  for (const [f, b] of before) assert.equal(now.get(f)?.equals(b), true, f);
});

test('fix --write refuses without VCS, and writes and checks with --allow-no-vcs', () => {
  const crate = temp.fixture('rewrites');
  const refused = cli('fix', crate, '--write');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^error: no VCS found for this package/m);
  const ok = cli('fix', crate, '--write', '--allow-no-vcs');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /fixed: \d+ fixes in 2 files, `cargo check` passed/);
  assert.match(
    readFileSync(join(crate, 'src/lib.rs'), 'utf8'),
    /pub fn triple\(x: u32\) -> impl ::core::future::Future/,
  );
  const again = cli('fix', crate);
  assert.equal(again.code, 0);
  assert.equal(again.stdout, '');
  assert.match(again.stderr, /nothing to fix/);
});

test('bad input is a clear error: unknown rule, missing path, no crate', () => {
  const r = cli('fix', temp.fixture('rewrites'), '--rule', 'no-such-rule');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: unknown rule 'no-such-rule'/m);
  const missing = join(temp.make(), 'missing');
  const m = cli('fix', missing);
  assert.equal(m.code, 2);
  assert.match(m.stderr, /^error: path '.*missing' does not exist/m);
  const n = cli('fix', temp.make());
  assert.equal(n.code, 2);
  assert.match(n.stderr, /^error: could not find `Cargo.toml`/m);
});

test('savings --format json reports the fixes and per-item deltas', () => {
  const crate = temp.fixture('rewrites');
  const r = cli('savings', crate, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.schemaVersion, 1);
  assert.ok(s.fixes.length > 0);
  const triple = s.items.find((i: { name: string }) => i.name === 'triple');
  assert.equal(triple.status, 'removed');
  assert.equal(triple.removal, 'replaced');
  assert.equal(triple.futureBytes.head, null);
  assert.ok(triple.futureBytes.base > 0);
});
