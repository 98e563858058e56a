// A generated source of tens of MB (bindgen, a PAC) is skipped and listed, and the rest of the tree is
// still scanned: tree-sitter cannot parse such a file within its limits, and it used to end the run.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_MAX_FILE_BYTES, scan } from '../../src/scan/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-big-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file over --max-file-size is skipped with its reason; the others are scanned', async () => {
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "big"\nversion = "0.1.0"\n');
  writeFileSync(join(dir, 'src/lib.rs'), 'pub async fn small() -> u8 {\n    1\n}\n');
  writeFileSync(join(dir, 'src/gen.rs'), `pub async fn generated() {\n${'    let x = 1;\n'.repeat(200)}}\n`);
  const r = await scan(dir, { cache: false, threads: 0, maxFileBytes: 1000 });
  assert.deepEqual(
    r.items.map((i) => i.name),
    ['small'],
  );
  assert.equal(r.stats.skipped.length, 1);
  assert.equal(r.stats.skipped[0]!.file, 'src/gen.rs');
  assert.match(r.stats.skipped[0]!.reason, /^too large \(0\.0 MB, over --max-file-size 0 MB\)$/);
  // The default keeps ordinary sources, 10 MB.
  assert.equal(DEFAULT_MAX_FILE_BYTES, 10 * 1024 * 1024);
  const all = await scan(dir, { cache: false, threads: 0 });
  assert.equal(all.items.length, 2);
});
