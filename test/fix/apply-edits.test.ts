import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, EditConflictError, pickCompatible } from '../../src/fix/apply-edits.ts';
import { decodeSource, encodeSource, NotUtf8Error } from '../../src/fix/source-text.ts';
import type { TextEdit } from '../../src/model/source.ts';

const edit = (start: number, end: number, text: string, file = 'src/lib.rs'): TextEdit => ({
  file,
  start,
  end,
  text,
});

test('edits apply in any order and leave the rest untouched', () => {
  const text = 'async fn a() {}\r\nasync fn b() {}\r\n';
  const b = text.indexOf('async fn b');
  const out = applyEdits(text, [edit(b, b + 6, ''), edit(0, 6, '')]);
  assert.equal(out, 'fn a() {}\r\nfn b() {}\r\n');
});

test('overlapping and out-of-range edits are rejected', () => {
  assert.throws(() => applyEdits('abcdef', [edit(0, 3, 'x'), edit(2, 4, 'y')]), EditConflictError);
  assert.throws(() => applyEdits('abc', [edit(1, 9, 'x')]), EditConflictError);
  assert.throws(() => applyEdits('abc', [edit(1, 1, 'x'), edit(1, 1, 'y')]), EditConflictError);
  assert.throws(() => applyEdits('abc', [edit(0, 1, 'x'), edit(1, 2, 'y', 'other.rs')]), EditConflictError);
  // Adjacent edits do not overlap.
  assert.equal(applyEdits('abc', [edit(0, 1, 'x'), edit(1, 2, 'y')]), 'xyc');
});

test('BOM, CRLF and non-ASCII text survive a decode/edit/encode round trip byte for byte', () => {
  const bytes = Buffer.from('\uFEFF// 送信 🦀\r\nasync fn 送信() -> u8 { 1 }\r\nfn tail() {}', 'utf8');
  const src = decodeSource('src/lib.rs', bytes);
  // Offsets count without the BOM, as scan's TextDecoder (and so tree-sitter) sees the text.
  assert.equal(src.bom, true);
  assert.equal(src.text.startsWith('//'), true);
  assert.equal(encodeSource(src).equals(bytes), true);
  // UTF-16 offsets, as tree-sitter gives them: the crab is two units.
  const at = src.text.indexOf('async');
  const out = encodeSource({ ...src, text: applyEdits(src.text, [edit(at, at + 'async '.length, '')]) });
  const cut = Buffer.byteLength(`\uFEFF${src.text.slice(0, at)}`);
  assert.equal(out.equals(Buffer.concat([bytes.subarray(0, cut), bytes.subarray(cut + 6)])), true);
  assert.equal(out.toString('utf8'), '\uFEFF// 送信 🦀\r\nfn 送信() -> u8 { 1 }\r\nfn tail() {}');
});

test('invalid UTF-8 is refused rather than rewritten lossily', () => {
  assert.throws(() => decodeSource('bad.rs', Buffer.from([0x66, 0x6e, 0xff, 0x0a])), NotUtf8Error);
});

test('pickCompatible defers fixes that collide with an earlier one, across files', () => {
  const a = { id: 'a', edits: [edit(0, 5, ''), edit(10, 12, '', 'src/b.rs')] };
  const b = { id: 'b', edits: [edit(11, 13, '', 'src/b.rs')] };
  const c = { id: 'c', edits: [edit(5, 6, '')] };
  const { kept, deferred } = pickCompatible([a, b, c]);
  assert.deepEqual(
    kept.map((k) => k.id),
    ['a', 'c'],
  );
  assert.deepEqual(
    deferred.map((k) => k.id),
    ['b'],
  );
});
