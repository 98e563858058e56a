// `cargo asyncbloat ...`: cargo finds `cargo-asyncbloat` on PATH and runs it with `asyncbloat` as the first
// argument; the bin drops it and behaves like `asyncbloat ...`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commandWorks, has, need } from '../support/require.ts';

const bin = fileURLToPath(new URL('../../dist/cargo-asyncbloat.js', import.meta.url));
const crate = fileURLToPath(new URL('../../examples/firmware-demo', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-cargo-sub-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('cargo asyncbloat scan runs the scan', () => {
  const shim = join(dir, 'cargo-asyncbloat');
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${bin}' "$@"\n`);
  chmodSync(shim, 0o755);
  const r = spawnSync('cargo', ['asyncbloat', 'scan', crate, '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` },
  });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schemaVersion, 1);
  assert.ok(doc.items.length > 0);
  const help = spawnSync('cargo', ['asyncbloat', '--help'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` },
  });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: cargo asyncbloat/);
});

test('`cargo asyncbloat` builds with the installed nightly; `cargo +stable asyncbloat` with the stable it names', (t) => {
  if (!need(t, 'a nightly toolchain', has.nightly())) return;
  if (!need(t, 'rustup', commandWorks('rustup', ['--version']))) return;
  const shim = join(dir, 'cargo-asyncbloat');
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${bin}' "$@"\n`);
  chmodSync(shim, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dir}${delimiter}${process.env.PATH}`,
    CARGO_TARGET_DIR: join(dir, 'target'),
  };
  // What a shell outside cargo has: rustup's default toolchain applies.
  delete env.RUSTUP_TOOLCHAIN;
  delete env.RUSTUP_TOOLCHAIN_SOURCE;
  delete env.RUSTC;
  const analyze = (...pre: string[]) => {
    const r = spawnSync('cargo', [...pre, 'asyncbloat', 'analyze', crate, '--format', 'json'], {
      encoding: 'utf8',
      env,
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout).build;
  };
  const defaultIsNightly = /nightly/.test(spawnSync('rustc', ['-V'], { encoding: 'utf8', env }).stdout);
  const plain = analyze();
  assert.equal(
    plain.toolchainReason,
    defaultIsNightly ? 'your default toolchain is a nightly' : 'the installed nightly',
  );
  assert.match(plain.toolchain, /nightly/);
  const pinned = analyze('+stable');
  assert.match(pinned.toolchainReason, /^selected by \+stable/);
  assert.equal(pinned.bootstrap, true);
  assert.doesNotMatch(pinned.toolchain, /nightly/);
});
