// The labelled corpus (test/fixtures/precision): every expected finding, nothing else. bench/precision.ts
// reports the same scores with the corpus's size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../src/rules/index.ts';
import { scoreCorpus } from '../support/precision.ts';

test('precision and recall are 1 on the labelled corpus, per rule', async () => {
  const scores = await scoreCorpus(fileURLToPath(new URL('../fixtures/precision/', import.meta.url)));
  // Every rule is scored: each has labelled findings in the corpus.
  assert.deepEqual(
    scores.map((s) => s.rule),
    RULES.map((r) => r.meta.id).sort(),
  );
  for (const s of scores) {
    assert.deepEqual(s.falsePositives, [], `${s.rule} false positives`);
    assert.deepEqual(s.falseNegatives, [], `${s.rule} false negatives`);
  }
});
