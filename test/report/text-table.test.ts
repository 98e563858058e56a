import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayWidth, formatBytes, textTable } from '../../src/report/text-table.ts';

test('columns line up with wide characters and colour codes', () => {
  assert.equal(displayWidth('送信'), 4);
  assert.equal(displayWidth('\u001b[1mab\u001b[22m'), 2);
  const out = textTable(
    ['n', 'item', 'at'],
    [
      ['1', '送信', 'x'],
      ['22', 'send', 'y'],
    ],
    ['right', 'left', 'left'],
  );
  const [, a, b] = out.split('\n');
  assert.equal(displayWidth(a!.slice(0, a!.indexOf('x'))), displayWidth(b!.slice(0, b!.indexOf('y'))));
});

test('byte counts stay exact below 10 KiB', () => {
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(10 * 1024), '10.0 KiB');
  assert.equal(formatBytes(null), '-');
});
