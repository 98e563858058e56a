// `cargo asyncbloat ...`: cargo finds `cargo-asyncbloat` on PATH and runs it with `asyncbloat` as the first
// argument; the bin drops it and behaves like `asyncbloat ...`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

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
