// File names are the crate's, not ours: in a terminal they must not drive it, and in SARIF two different
// files must not share one URI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileUri } from '../../src/report/sarif.ts';
import { printable } from '../../src/report/text-table.ts';

test('control characters in a name are shown escaped, as git and ls do', () => {
  assert.equal(printable('src/\u001b[31mred.rs'), 'src/\\e[31mred.rs');
  assert.equal(printable('a\rb\nc\td\u0007.rs'), 'a\\rb\\nc\\td\\x07.rs');
  assert.equal(printable('src/送信.rs'), 'src/送信.rs');
});

test('SARIF URIs are percent-encoded per segment: a backslash is part of a name, not a separator', () => {
  assert.notEqual(fileUri('src/a\\b.rs'), fileUri('src/a/b.rs'));
  assert.equal(fileUri('src/a\\b.rs'), 'src/a%5Cb.rs');
  assert.equal(fileUri('src/my file<"x">.rs'), 'src/my%20file%3C%22x%22%3E.rs');
});
