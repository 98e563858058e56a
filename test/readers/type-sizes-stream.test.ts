// -Zprint-type-sizes output read in pieces, as analyze reads it: the same result as reading it whole, also
// with a UTF-8 character split between pieces, and for output past Node's string limit (512 MB), which no
// single string can hold (a `--deps` build of a large service prints that much).
import assert from 'node:assert/strict';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { forEachLine } from '../../src/analyze/file-lines.ts';
import { readTypeSizes, TypeSizesReader } from '../../src/readers/type-sizes.ts';

const RECORDED = fileURLToPath(
  new URL('../fixtures/recorded/rustc-1.95.0/asyncs.debug.type-sizes.txt', import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-type-sizes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function readInPieces(path: string) {
  const reader = new TypeSizesReader();
  forEachLine(path, (line) => reader.add(line));
  return reader.finish();
}

test('in pieces: the same as whole, with a character split across the 1 MiB piece boundary', () => {
  const recorded = readFileSync(RECORDED, 'utf8');
  // A type name with a multi-byte character placed across the first piece boundary.
  const pad = 'print-type-size type: `Pad`: 1 bytes, alignment: 1 bytes\n';
  let text = pad.repeat(Math.floor(((1 << 20) - 200) / pad.length));
  const name = `${'x'.repeat((1 << 20) - text.length - 24)}送信`;
  text += `print-type-size type: \`${name}\`: 1 bytes, alignment: 1 bytes\n${recorded}`;
  const path = join(dir, 'split.txt');
  writeFileSync(path, text);
  const whole = readTypeSizes(text);
  const pieces = readInPieces(path);
  assert.deepEqual(pieces, whole);
  assert.ok(pieces.types.has(name));
  assert.ok(pieces.futures.length > 0);
  assert.equal(pieces.unparsed.count, 0);
});

test('past the string limit: 540 MB of output is read, every future found', () => {
  const recorded = Buffer.from(readFileSync(RECORDED));
  const once = readTypeSizes(recorded.toString('utf8'));
  const path = join(dir, 'huge.txt');
  const fd = openSync(path, 'w');
  // 16 MiB blocks of the recorded output, repeated past 2^29 characters.
  const block = Buffer.concat(
    Array.from({ length: Math.ceil((16 << 20) / recorded.length) }, () => recorded),
  );
  const copiesPerBlock = block.length / recorded.length;
  let copies = 0;
  try {
    while (copies * recorded.length <= 2 ** 29 + (1 << 20)) {
      writeSync(fd, block);
      copies += copiesPerBlock;
    }
  } finally {
    closeSync(fd);
  }
  assert.ok(statSync(path).size > 2 ** 29);
  assert.throws(() => readFileSync(path, 'utf8'), /Cannot create a string longer than/);
  const r = readInPieces(path);
  assert.equal(r.futures.length, once.futures.length * copies);
  assert.equal(r.records, once.records * copies);
  assert.equal(r.unparsed.count, 0);
  rmSync(path);
});
