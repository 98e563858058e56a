import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PALETTE } from '../../src/report/html/client/treemap.ts';
import { composite, contrastRatio, labelColor } from '../../src/report/html/contrast.ts';

test('WCAG contrast ratios as the spec defines them', () => {
  assert.equal(contrastRatio('#000000', '#ffffff'), 21);
  assert.equal(contrastRatio('#777777', '#777777'), 1);
  // #767676 on white is the classic 4.54:1, the darkest grey that passes AA.
  assert.ok(Math.abs(contrastRatio('#767676', '#ffffff') - 4.54) < 0.01);
  assert.equal(composite('#ffffff80', '#000000'), '#808080');
});

test('every treemap fill, and the awaitee overlays on it, gets a label colour of at least 4.5:1', () => {
  for (const fill of [...PALETTE, '#d9d9d9', '#8c959f']) {
    for (const bg of [fill, composite('#ffffff55', fill), composite('#ffffff22', fill)]) {
      const ratio = contrastRatio(labelColor(bg), bg);
      assert.ok(ratio >= 4.5, `${labelColor(bg)} on ${bg}: ${ratio.toFixed(2)}`);
    }
  }
  // The palette's yellow, where white text was unreadable, gets dark text.
  assert.equal(labelColor('#edc948'), '#000000');
});
