import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffReports } from '../../src/budget/diff.ts';
import { MARKDOWN_MARKER, mdCode, mdText, renderDiffMarkdown } from '../../src/budget/diff-markdown.ts';
import { finding, item, report } from './reports.ts';

test('free text escapes HTML outside code spans; code spans survive pipes and backticks', () => {
  assert.equal(
    mdText('holds a Box<dyn Fut> in `Pin<&mut T>`'),
    'holds a Box&lt;dyn Fut&gt; in `Pin<&mut T>`',
  );
  assert.equal(mdCode('<A as B>::f | g'), '`<A as B>::f \\| g`');
  assert.equal(mdCode('a`b'), '`` a`b ``');
});

test('diff markdown: marker first, tables cut at 100 rows with a count', () => {
  const head = report(Array.from({ length: 105 }, (_, i) => item(`m::f${String(i).padStart(3, '0')}`)));
  const md = renderDiffMarkdown(diffReports(report([]), head));
  assert.ok(md.startsWith(`${MARKDOWN_MARKER}\n`));
  assert.equal(md.split('\n').filter((l) => l.startsWith('| + |')).length, 100);
  assert.match(md, /…and 5 more changed items\./);
});

test('diff markdown lists new findings with escaped messages', () => {
  const head = report([
    item('a', { findings: [finding('no-await', 'a', 'returns impl Future<Output = T>')] }),
  ]);
  const md = renderDiffMarkdown(diffReports(report([item('a')]), head));
  assert.match(md, /- `no-await` src\/lib\.rs:1: returns impl Future&lt;Output = T&gt;/);
});
