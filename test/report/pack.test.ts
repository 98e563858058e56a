// The page data's compact encoding must round-trip any JSON value exactly, including strings that look like
// its own references, and must actually be smaller on repetitive data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pack, unpack } from '../../src/report/html/pack.ts';
import { pageData } from '../../src/report/html/page-data.ts';
import { analysisReport, readSample } from './sample-reports.ts';

const roundTrip = (v: unknown) => unpack(JSON.parse(JSON.stringify(pack(v))));

test('round-trips values that imitate references, table markers and escapes', () => {
  const tricky = {
    refs: ['§0', '§1', '§#', '§!x', '§', '§§', 'plain', 'plain', 'repeated-string', 'repeated-string'],
    table: [
      { a: '§0', b: 1, c: null },
      { a: 'x', b: 2, c: [1, 2] },
    ],
    mixed: [{ a: 1 }, { b: 2 }],
    arrays: [['§#', 'k'], [], [[]]],
    nested: { '§0': '§#', empty: '', n: -0.5, t: true, f: false },
    unicode: '\u2028</script>🦀',
  };
  assert.deepEqual(roundTrip(tricky), tricky);
});

test('round-trips a page and makes it smaller', () => {
  const data = pageData(analysisReport(), { readSource: readSample });
  assert.deepEqual(roundTrip(data), data);
  const many = { items: Array.from({ length: 50 }, () => data.items[1]) };
  // Keys are written once per table and repeated strings once: well under the plain JSON (0.45x when written).
  assert.ok(JSON.stringify(pack(many)).length < JSON.stringify(many).length * 0.6);
});
