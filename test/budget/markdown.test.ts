import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkReport } from '../../src/budget/check.ts';
import { emptyConfig } from '../../src/budget/config.ts';
import { diffReports } from '../../src/budget/diff.ts';
import {
  MARKDOWN_MARKER,
  mdCode,
  mdText,
  renderCheckMarkdown,
  renderDiffMarkdown,
} from '../../src/report/diff-markdown.ts';
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

test('check markdown lists exceeded budgets and error-level rule findings under their own headings', () => {
  const head = report([
    item('main_loop', { futureBytes: 136 }),
    item('handle', {
      findings: [finding('duplicate-arm-awaits', 'handle', 'three arms await `led_on`', 30)],
    }),
  ]);
  const result = checkReport({
    head,
    config: {
      ...emptyConfig(),
      sources: ['test'],
      budgets: [{ item: 'main_loop', maxFutureBytes: 128 }],
      rules: { 'duplicate-arm-awaits': 'error' },
    },
  });
  const md = renderCheckMarkdown(result);
  assert.match(
    md,
    /\*\*1 budget exceeded \(future-size\), 1 rule finding at error level \(duplicate-arm-awaits\)\*\*/,
  );
  assert.match(
    md,
    /#### Budgets exceeded\n\n- \*\*future-size\*\* src\/lib\.rs:1: future of `main_loop` is 136 B, over max-future-bytes 128 B by 8 B\n/,
  );
  assert.match(
    md,
    /#### Rule findings at error level\n\n- \*\*duplicate-arm-awaits\*\* src\/lib\.rs:30: three arms await `led_on`\n/,
  );
});
