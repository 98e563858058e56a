// The labelled corpus (test/fixtures/precision): every expected finding, nothing else. bench/precision.ts
// reports the same scores with the corpus's size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scoreCorpus } from '../support/precision.ts';

test('precision and recall are 1 on the labelled corpus, per rule', async () => {
  const scores = await scoreCorpus(fileURLToPath(new URL('../fixtures/precision/', import.meta.url)));
  assert.deepEqual(
    scores.map((s) => s.rule),
    ['duplicate-arm-awaits', 'no-await', 'single-await-wrapper'],
  );
  for (const s of scores) {
    assert.deepEqual(s.falsePositives, [], `${s.rule} false positives`);
    assert.deepEqual(s.falseNegatives, [], `${s.rule} false negatives`);
  }
});
