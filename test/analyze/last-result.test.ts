// `analyze` keeps its last result under the target dir, with the hashes of the files it measured (for the
// language server), and `--baseline last` diffs a new run against it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readLastResult, sourceHash } from '../../src/analyze/last-result.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/firmware-demo/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-last-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('analyze keeps its result; --baseline last shows what a change did', () => {
  const crate = join(tmp, 'crate');
  cpSync(EXAMPLE, crate, { recursive: true, filter: (p) => !p.includes('/target') });
  const env = { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, 'target') };
  const analyze = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'analyze', crate, ...args], { encoding: 'utf8', env });

  const none = analyze('--baseline', 'last');
  assert.equal(none.status, 2, 'no result kept yet');
  assert.match(none.stderr, /no analysis result yet/);

  const first = analyze('--format', 'json');
  assert.equal(first.status, 0, first.stderr);
  const kept = readLastResult(join(tmp, 'target', 'asyncbloat', 'last-analyze.json'));
  assert.deepEqual(
    kept.report.items.map((i) => i.name),
    JSON.parse(first.stdout).items.map((i: { name: string }) => i.name),
  );
  const sensor = join(crate, 'src', 'sensor.rs');
  assert.equal(kept.sources['src/sensor.rs'], sourceHash(readFileSync(sensor)));

  const text = readFileSync(sensor, 'utf8');
  writeFileSync(
    sensor,
    text.replace(
      'let hi = self.bus.transfer(self.addr, &[0x00]).await;',
      'let pad = [0u32; 16];\n        let hi = self.bus.transfer(self.addr, &[0x00]).await;\n        let _ = pad[usize::from(hi) % 16];',
    ),
  );
  const diff = analyze('--baseline', 'last');
  assert.equal(diff.status, 0, diff.stderr);
  assert.match(diff.stdout, /~ +sensor::Thermometer::read_raw .*\(\+64 B\)/);
  // The new run is now the kept one.
  const again = readLastResult(join(tmp, 'target', 'asyncbloat', 'last-analyze.json'));
  assert.equal(again.sources['src/sensor.rs'], sourceHash(readFileSync(sensor)));
});
