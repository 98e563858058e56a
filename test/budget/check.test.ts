import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkReport } from '../../src/budget/check.ts';
import { type BudgetConfig, emptyConfig } from '../../src/budget/config.ts';
import type { MemberConfig } from '../../src/budget/members.ts';
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
  assert.equal(r.summary, '2 budgets exceeded (future-size)');
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
      'grew: local `.buf` in Suspend0, await at line 12: 256 B \u2192 1024 B (+768 B)',
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
  assert.match(
    r.notes.join('\n'),
    /^ignore 'gone::\*' matches no async item in the report, so it suppresses nothing$/m,
  );
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

test('broken budgets and error-level rule findings are counted apart in the summary', () => {
  const head = report([
    item('main_loop', { futureBytes: 136 }),
    item('handle', {
      futureBytes: 5,
      findings: [finding('duplicate-arm-awaits', 'handle', 'three arms await `led_on`')],
    }),
    item('reset', { findings: [finding('single-await-wrapper', 'reset', 'only awaits')] }),
  ]);
  const r = checkReport({
    head,
    config: config({
      budgets: [{ item: 'main_loop', maxFutureBytes: 128 }],
      rules: { 'duplicate-arm-awaits': 'error' },
    }),
  });
  assert.equal(
    r.summary,
    '1 budget exceeded (future-size), 1 rule finding at error level (duplicate-arm-awaits); 1 warning',
  );
  const onlyRules = checkReport({ head, config: config({ rules: { 'duplicate-arm-awaits': 'error' } }) });
  assert.equal(onlyRules.summary, '1 rule finding at error level (duplicate-arm-awaits); 1 warning');
  assert.equal(
    checkReport({ head, config: config({}) }).summary,
    'all budgets hold for 3 async items; 2 warnings',
  );
});

test('every violation has every documented JSON key, null where it does not apply', () => {
  const head = report(
    [
      item('main_loop', { futureBytes: 136 }),
      item('handle', { findings: [finding('duplicate-arm-awaits', 'handle', 'dup')] }),
    ],
    { crates: [{ name: 'app', asyncItems: 2, futureBytes: 141, asyncCodeBytes: 2500, textBytes: 10000 }] },
  );
  const r = checkReport({
    head,
    config: config({ maxFutureBytes: 128, maxAsyncTextShare: 5, rules: { 'duplicate-arm-awaits': 'error' } }),
  });
  // The keys docs/ci.md lists for `check --format json`, in every violation whatever its kind.
  const keys = ['budget', 'level', 'rule', 'crate', 'item', 'file', 'line', 'limit', 'actual', 'over'];
  const json = JSON.parse(JSON.stringify(r)) as { violations: Record<string, unknown>[] };
  const pick = (v: Record<string, unknown>) => keys.map((k) => v[k]);
  assert.deepEqual(json.violations.map(pick), [
    ['async-text-share', 'error', null, 'app', null, null, null, '5%', '25%', 20],
    ['future-size', 'error', null, 'app', 'main_loop', 'src/lib.rs', 1, '128 B', '136 B', 8],
    ['rule', 'error', 'duplicate-arm-awaits', 'app', 'handle', 'src/lib.rs', 1, null, null, null],
  ]);
  for (const v of json.violations) {
    assert.ok('message' in v && Array.isArray(v.grew) && 'finding' in v, JSON.stringify(v));
  }
  assert.equal(
    json.violations[2]!.finding && (json.violations[2]!.finding as { rule: string }).rule,
    'duplicate-arm-awaits',
  );
  assert.equal(json.violations[1]!.finding, null);
});

test('a finding of a workspace member is located from the workspace root, as its item is', () => {
  // analyze writes a member's findings relative to the member; the item's file is relative to the root.
  const f = { ...finding('single-await-wrapper', 'Sensor::reset', 'only awaits', 44), file: 'src/lib.rs' };
  const head = report([
    item('Sensor::reset', { crate: 'driver', file: 'driver/src/lib.rs', line: 44, findings: [f] }),
  ]);
  const r = checkReport({ head, config: config({}) });
  assert.deepEqual(
    r.warnings.map((v) => [v.file, v.line]),
    [['driver/src/lib.rs', 44]],
  );
});

/** A workspace like the user's repro: `driver` (no settings of its own) and `app` (its own budgets). */
function workspace() {
  const wsLevel = config({
    sources: ['Cargo.toml [workspace.metadata.asyncbloat]'],
    maxFutureBytes: 2048,
    maxAsyncTextShare: 50,
    rules: { 'duplicate-arm-awaits': 'error' },
    ignores: [{ item: 'legacy::*', reason: 'old' }],
  });
  const app = config({
    ...wsLevel,
    sources: ['app/Cargo.toml [package.metadata.asyncbloat]', ...wsLevel.sources],
    maxFutureBytes: 2048,
    maxAsyncTextShare: 30,
    budgets: [{ item: 'main_loop', maxFutureBytes: 128 }],
    rules: { 'duplicate-arm-awaits': 'error', 'single-await-wrapper': 'error' },
    ignores: [{ item: 'legacy::*', reason: 'old' }],
  });
  const members: MemberConfig[] = [
    { package: 'driver', dir: 'driver', crates: ['driver'], config: wsLevel, own: false },
    { package: 'my-app', dir: 'app', crates: ['my_app'], config: app, own: true },
  ];
  return { wsLevel, app, members };
}

test('in a workspace each member’s configuration applies to its own items only', () => {
  const { wsLevel, members } = workspace();
  const wrapper = (name: string) => [finding('single-await-wrapper', name, 'only awaits')];
  const head = report(
    [
      item('main_loop', {
        crate: 'my_app',
        file: 'app/src/lib.rs',
        futureBytes: 136,
        findings: wrapper('main_loop'),
      }),
      // 136 B too, and a wrapper too, but driver has no settings of its own: the workspace's apply.
      item('main_loop', {
        crate: 'driver',
        file: 'driver/src/lib.rs',
        futureBytes: 136,
        findings: wrapper('main_loop'),
      }),
      // A dependency analysed with --deps: no member's; PATH's configuration applies.
      item('main_loop', {
        crate: 'embassy_time',
        file: '/registry/embassy-time/src/lib.rs',
        futureBytes: 136,
      }),
    ],
    {
      crates: [
        { name: 'my_app', asyncItems: 1, futureBytes: 136, asyncCodeBytes: 400, textBytes: 1000 },
        { name: 'driver', asyncItems: 1, futureBytes: 136, asyncCodeBytes: 400, textBytes: 1000 },
      ],
    },
  );
  const r = checkReport({ head, config: config({ maxFutureBytes: 100 }), members });
  assert.deepEqual(
    r.violations.map((v) => [v.budget, v.crate, v.rule, v.limit]),
    [
      ['async-text-share', 'my_app', null, '30%'],
      ['future-size', 'my_app', null, '128 B'],
      ['rule', 'my_app', 'single-await-wrapper', null],
      ['future-size', 'embassy_time', null, '100 B'],
    ],
  );
  assert.deepEqual(
    r.warnings.map((v) => [v.crate, v.rule]),
    [['driver', 'single-await-wrapper']],
  );
  // The workspace's ignore is in both configurations; it is named once.
  assert.deepEqual(
    r.notes.filter((n) => n.includes('legacy')),
    ["ignore 'legacy::*' matches no async item in the report, so it suppresses nothing"],
  );
  // Checked from the workspace root, PATH's configuration is the workspace's: the dependency passes.
  const fromRoot = checkReport({ head, config: wsLevel, members });
  assert.deepEqual(
    fromRoot.violations.map((v) => [v.budget, v.crate]),
    [
      ['async-text-share', 'my_app'],
      ['future-size', 'my_app'],
      ['rule', 'my_app'],
    ],
  );
});

test('a member whose configuration applies to nothing, and a crate name shared by two members, are noted', () => {
  const { wsLevel, members } = workspace();
  const onlyDriver = report([item('transfer', { crate: 'driver', file: 'driver/src/lib.rs' })]);
  const r = checkReport({ head: onlyDriver, config: wsLevel, members });
  assert.match(
    r.notes.join('\n'),
    /package my-app has its own configuration \(app\/Cargo\.toml \[package\.metadata\.asyncbloat\]\) but no item of its crates \(my_app\) is in the report/,
  );
  // Two packages with a bin `tool`: the item's directory decides; one in neither directory is noted.
  const tight = config({ maxFutureBytes: 8 });
  const twins: MemberConfig[] = [
    { package: 'a', dir: 'a', crates: ['tool'], config: tight, own: true },
    { package: 'b', dir: 'b', crates: ['tool'], config: wsLevel, own: false },
  ];
  const head = report([
    item('run', { crate: 'tool', file: 'a/src/main.rs', futureBytes: 16 }),
    item('run', { crate: 'tool', file: 'b/src/main.rs', futureBytes: 16 }),
    item('gen', { crate: 'tool', file: undefined, futureBytes: 16 }),
  ]);
  const t = checkReport({ head, config: wsLevel, members: twins });
  assert.deepEqual(
    t.violations.map((v) => [v.item, v.file]),
    [['run', 'a/src/main.rs']],
  );
  assert.match(t.notes.join('\n'), /crate tool is a target of several packages \(a, b\)/);
});

test('budget and ignore entries that match no async item are noted, with a close glob when there is one', () => {
  const head = report([
    item('store::run', { futureBytes: 88 }),
    item('store::extra', { futureBytes: 2104 }),
    item('radio::Radio::send', { futureBytes: 64 }),
  ]);
  const r = checkReport({
    head,
    config: config({
      maxFutureBytes: 4096,
      budgets: [
        { item: 'storage::*', maxFutureBytes: 1024 },
        { item: 'radio::*', maxFutureBytes: 32 },
        { item: 'flash::**', maxGrowth: { bytes: 64 } },
        { item: 'store::*', maxFutureBytes: 4096 },
      ],
      ignores: [{ item: 'app::store::run', reason: 'crate-prefixed globs match too' }],
    }),
  });
  // Not an error: the entries simply do not apply.
  assert.equal(r.passed, true);
  assert.deepEqual(r.notes, [
    "budget 'storage::*' matches no async item in the report, so its limits apply to nothing; did you mean 'store::*'?",
    "budget 'radio::*' matches no async item in the report, so its limits apply to nothing; did you mean 'radio::**'?",
    "budget 'flash::**' matches no async item in the report, so its limits apply to nothing",
  ]);
});

test('a member configuration that was not applied (none of its items in the report) is not checked for typos', () => {
  const other = config({ budgets: [{ item: 'nothing::*', maxFutureBytes: 10 }] as BudgetConfig['budgets'] });
  const members: MemberConfig[] = [
    { package: 'other', dir: 'other', crates: ['other'], config: other, own: true },
  ];
  const head = report([item('run', { crate: 'app', futureBytes: 8 })]);
  const r = checkReport({ head, config: config({}), members });
  assert.deepEqual(
    r.notes.filter((n) => n.includes('nothing::*')),
    [],
  );
  // Applied (an item of its crate is there): the glob that matches nothing is noted.
  const applied = checkReport({
    head: report([item('run', { crate: 'other', futureBytes: 8 })]),
    config: config({}),
    members,
  });
  assert.ok(applied.notes.some((n) => n.startsWith("budget 'nothing::*' matches no async item")));
});
