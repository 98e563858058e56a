// Comments and literals blanked for the text readers: what looks like code inside them is gone, the code
// around them is kept, offsets and lines stay.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blankCommentsAndStrings } from '../../src/readers/rust-source/blank-text.ts';

/** The code left, whitespace collapsed. */
const code = (text: string) => blankCommentsAndStrings(text).replace(/\s+/g, ' ').trim();

test('comments and string literals are blanked, lengths and newlines kept', () => {
  const text = 'let s = "a // b"; // mod x;\n/* mod y;\n */ mod z;';
  const blanked = blankCommentsAndStrings(text);
  assert.equal(blanked.length, text.length);
  assert.equal(blanked.split('\n').length, 3);
  assert.equal(code(text), 'let s = ; mod z;');
});

test('a character literal holding a quote or a brace is a literal, not the start of a string', () => {
  assert.equal(code(`let q = '"'; mod a; let s = "x";`), 'let q = ; mod a; let s = ;');
  assert.equal(
    code(`let e = '\\''; let b = b'{'; let h = '\\x7f'; mod e;`),
    'let e = ; let b = b ; let h = ; mod e;',
  );
  assert.equal(code(`fn f() -> char { '}' } mod b;`), 'fn f() -> char { } mod b;');
});

test('lifetimes and labels are code', () => {
  const text = "fn f<'a, 'b>(x: &'a u8, y: &'b u8) { 'outer: loop { break 'outer; } }";
  assert.equal(code(text), text);
});

test('raw strings end at their own quote and hashes', () => {
  assert.equal(code('let r = r#"said "hi" mod no;"#; mod c;'), 'let r = ; mod c;');
  assert.equal(code('let r = r"\\"; let b = br"x"; mod d;'), 'let r = ; let b = ; mod d;');
  assert.equal(code('let x = for_r; mod g;'), 'let x = for_r; mod g;');
});
