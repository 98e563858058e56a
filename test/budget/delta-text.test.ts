import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDelta } from '../../src/budget/delta-text.ts';
import { metricDelta } from '../../src/budget/diff.ts';

test('a metric measured on one side only is unknown on the other, not gone or new', () => {
  // Panic sites of an item whose poll fn was inlined in HEAD: not measurable, not zero.
  assert.equal(formatDelta(metricDelta(2, null), ''), '2 \u2192 unknown');
  assert.equal(formatDelta(metricDelta(null, 96)), 'unknown \u2192 96 B');
  assert.equal(formatDelta(metricDelta(null, null)), '-');
  // A count that really went to zero is shown as such.
  assert.equal(formatDelta(metricDelta(2, 0), ''), '2 \u2192 0 (\u22122)');
  assert.equal(formatDelta(metricDelta(256, 768)), '256 B \u2192 768 B (+512 B)');
});
