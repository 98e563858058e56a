import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkReport } from '../../src/budget/check.ts';
import { type BudgetConfig, emptyConfig } from '../../src/budget/config.ts';
import { finding, held, item, report } from './reports.ts';

const config = (over: Partial<BudgetConfig>): BudgetConfig => ({
  ...emptyConfig(),
  sources: ['test'],
  ...over,
});

test('max-future-bytes: global and per-item glob (first matching entry wins)', () => {
  const head = report([
    item('radio::send', { futureBytes: 600 }),
    item('radio::recv', { futureBytes: 400 }),
    item('net::serve', { futureBytes: 3000 }),
    item('net::accept', { futureBytes: 2000 }),
  ]);
  const r = checkReport({
    head,
    config: config({
      maxFutureBytes: 2048,
      budgets: [
        { item: 'radio::*', maxFutureBytes: 512 },
        { item: 'radio::recv', maxFutureBytes: 100 },
      ],
    }),
  });
  assert.equal(r.passed, false);
  assert.deepEqual(
    r.violations.map((v) => [v.budget, v.item, v.limit, v.actual, v.over]),
    [
      ['future-size', 'radio::send', '512 B', '600 B', 88],
      ['future-size', 'net::serve', '2048 B', '3000 B', 952],
    ],
  );
  assert.equal(
    r.violations[0]!.message,
    'future of `radio::send` is 600 B, over max-future-bytes 512 B by 88 B',
  );
  assert.equal(r.summary, '2 budget violation(s): 2 future-size');
});

test('max-growth against a baseline names the growth and the field that grew', () => {
  const base = report([
    item('radio::send', { futureBytes: 272, heldAcrossAwait: [held('Suspend0', [['.buf', 256]], 9)] }),
    item('radio::recv', { futureBytes: 100 }),
    item('net::serve', { futureBytes: 1000 }),
  ]);
  const head = report([
    item('radio::send', { futureBytes: 1040, heldAcrossAwait: [held('Suspend0', [['.buf', 1024]], 12)] }),
    item('radio::recv', { futureBytes: 110 }),
    item('net::serve', { futureBytes: 1064 }),
    item('net::new_one', { futureBytes: 5000 }),
  ]);
  const r = checkReport({
    head,
    base,
    config: config({ maxGrowth: { percent: 10 }, budgets: [{ item: 'net::*', maxGrowth: { bytes: 32 } }] }),
  });
  assert.deepEqual(
    r.violations.map((v) => [v.budget, v.item, v.actual, v.over]),
    [
      ['future-growth', 'radio::send', '+768 B', 741],
      ['future-growth', 'net::serve', '+64 B', 32],
    ],
  );
  assert.equal(
    r.violations[0]!.message,
    'future of `radio::send` grew by 768 B (272 B \u2192 1040 B, +282.4%), over max-growth 10% by 741 B; ' +
      'grew: field `.buf` in Suspend0, await at line 12: 256 B \u2192 1024 B (+768 B)',
  );
  assert.deepEqual(
    r.violations[0]!.grew.map((c) => [c.name, c.delta]),
    [['.buf', 768]],
  );
  assert.ok(r.diff);
});

test('growth without a baseline is not checked, and says so', () => {
  const r = checkReport({ head: report([item('a')]), config: config({ maxGrowth: { bytes: 1 } }) });
  assert.equal(r.passed, true);
  assert.match(r.notes.join('\n'), /max-growth is configured but no baseline was given/);
});

test('rule levels: off hides, warn warns, error fails; default is the finding severity', () => {
  const head = report([
    item('a', {
      findings: [
        finding('no-await', 'a', 'no await'),
        finding('single-await-wrapper', 'a', 'wrapper'),
        finding('duplicate-arm-awaits', 'a', 'dup'),
      ],
    }),
  ]);
  const r = checkReport({
    head,
    config: config({ rules: { 'no-await': 'off', 'duplicate-arm-awaits': 'error' } }),
  });
  assert.deepEqual(
    r.violations.map((v) => v.rule),
    ['duplicate-arm-awaits'],
  );
  assert.deepEqual(
    r.warnings.map((v) => v.rule),
    ['single-await-wrapper'],
  );
  assert.match(r.notes.join('\n'), /1 finding\(s\) not shown: their rules are set to "off"/);
});

test('ignores and suppression comments move violations to suppressed, with their reason', () => {
  const send = item('radio::send', { futureBytes: 600, file: 'src/radio.rs', line: 7 });
  const recv = item('radio::recv', { futureBytes: 700, findings: [finding('no-await', 'radio::recv', 'x')] });
  const other = item('net::serve', { futureBytes: 800 });
  const r = checkReport({
    head: report([send, recv, other]),
    config: config({
      maxFutureBytes: 512,
      rules: { 'no-await': 'error' },
      ignores: [
        { item: 'radio::recv', reason: 'legacy', rules: ['future-size'] },
        { item: 'gone::*', reason: 'stale' },
      ],
    }),
    suppressionsFor: (i) => (i === send ? [{ rules: ['future-size'], reason: 'DMA buffer', line: 5 }] : []),
  });
  assert.deepEqual(
    r.suppressed.map((s) => [s.violation.item, s.violation.budget, s.via, s.reason]),
    [
      ['radio::send', 'future-size', 'comment at src/radio.rs:5', 'DMA buffer'],
      ['radio::recv', 'future-size', "ignore 'radio::recv'", 'legacy'],
    ],
  );
  // The ignore lists only future-size: the no-await error on the same item still counts.
  assert.deepEqual(
    r.violations.map((v) => [v.item, v.budget]),
    [
      ['radio::recv', 'rule'],
      ['net::serve', 'future-size'],
    ],
  );
  assert.match(r.notes.join('\n'), /ignore 'gone::\*' matches no item/);
});

test('async share of .text per crate, and a note when it was not measured', () => {
  const head = report([item('a')], {
    crates: [
      { name: 'app', asyncItems: 1, futureBytes: 16, asyncCodeBytes: 600, textBytes: 10000 },
      { name: 'lib', asyncItems: 1, futureBytes: 16 },
    ],
  });
  const r = checkReport({ head, config: config({ maxAsyncTextShare: 5 }) });
  assert.deepEqual(
    r.violations.map((v) => [v.budget, v.crate, v.actual, v.limit]),
    [['async-text-share', 'app', '6%', '5%']],
  );
  assert.match(r.notes.join('\n'), /crate lib: no \.text\/async code size/);
});

test('items without a layout are counted in a note, not silently passed', () => {
  const r = checkReport({
    head: report([item('a', { futureBytes: null })]),
    config: config({ maxFutureBytes: 1 }),
  });
  assert.equal(r.passed, true);
  assert.match(r.notes[0]!, /^1 item\(s\) have no future size/);
});
