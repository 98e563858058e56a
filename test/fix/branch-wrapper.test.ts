// The branch-wrapper rewrite on a real crate built against Debian's `futures`: `fix` shows the
// `futures::future::Either` rewrite and `cargo check` passes on a copy; `savings` measures that the wrapper's
// coroutine is gone and the binary's .text shrank (numbers read from the two builds, not typed here).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Savings } from '../../src/fix/savings.ts';
import { has, need } from '../support/require.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const CRATE = fileURLToPath(new URL('../fixtures/fix/branch-wrapper/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-branch-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, 'target') };

test('branch-wrapper: the Either rewrite compiles, and savings measures the wrapper gone', (t) => {
  if (!need(t, 'Debian crate sources', has.debianRegistry())) return;
  const fix = spawnSync(process.execPath, [CLI, 'fix', CRATE, '--rule', 'branch-wrapper', '--allow-eager'], {
    encoding: 'utf8',
    env,
  });
  assert.equal(fix.status, 0, fix.stderr);
  assert.match(
    fix.stdout,
    /^\+fn fetch\(id: u32, local: bool\) -> impl ::core::future::Future<Output = u32> \{$/m,
  );
  assert.match(fix.stdout, /^\+ +futures::future::Either::Left\(fetch_local\(id\)\)$/m);
  assert.match(fix.stderr, /`cargo check` passed on a copy/);

  const s = spawnSync(
    process.execPath,
    [CLI, 'savings', CRATE, '--rule', 'branch-wrapper', '--allow-eager', '--no-nightly', '--format', 'json'],
    { encoding: 'utf8', env },
  );
  assert.equal(s.status, 0, s.stderr);
  const savings = JSON.parse(s.stdout) as Savings;
  assert.deepEqual(
    savings.fixes.map((f) => f.rule),
    ['branch-wrapper'],
  );
  const fetch = savings.items.find((i) => i.name === 'fetch');
  assert.equal(fetch?.status, 'removed');
  assert.equal(fetch?.removal, 'replaced');
  assert.ok(fetch.states.base! > 0 && fetch.states.head === 0);
  const text = savings.crates[0]!.textBytes;
  assert.ok(text.delta !== null && text.delta < 0, `.text ${JSON.stringify(text)}`);
});
