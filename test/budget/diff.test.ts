import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCause } from '../../src/budget/delta-text.ts';
import { diffReports, isTemporaryField, withoutSpans } from '../../src/budget/diff.ts';
import { colors } from '../../src/report/colors.ts';
import { crateLines, formatCodeDelta, memoryLine } from '../../src/report/diff-common.ts';
import { renderDiffHuman } from '../../src/report/diff-human.ts';
import { renderDiffMarkdown } from '../../src/report/diff-markdown.ts';
import { finding, held, heldKinds, item, report } from './reports.ts';

test('moving an item to another line is not a change', () => {
  const base = report([item('radio::send', { line: 10 }), item('radio::recv', { line: 20 })]);
  const head = report([
    item('radio::recv', { line: 5 }),
    item('radio::send', { line: 40, file: 'src/radio.rs' }),
  ]);
  const d = diffReports(base, head);
  assert.deepEqual(
    d.items.map((i) => [i.name, i.status]),
    [
      ['radio::recv', 'unchanged'],
      ['radio::send', 'unchanged'],
    ],
  );
  assert.equal(d.items.find((i) => i.name === 'radio::send')?.baseLine, 10);
  assert.match(d.summary, /^no change in 2 async items$/);
});

test('per-item deltas of future, states, held, code and panic sites', () => {
  const code = (codeBytes: number) => ({ codeBytes, parts: [], inlined: false });
  const base = report([
    item('a', {
      futureBytes: 100,
      states: 4,
      heldAcrossAwait: [held('Suspend0', [['.buf', 64]])],
      code: code(300),
      panicSites: { resumed: 1, resumedPanic: 1, bytes: 26 },
    }),
  ]);
  const head = report([
    item('a', {
      futureBytes: 164,
      states: 5,
      heldAcrossAwait: [held('Suspend0', [['.buf', 128]], 12), held('Suspend1', [['.n', 8]])],
      code: code(280),
      panicSites: { resumed: 1, resumedPanic: 0, bytes: 13 },
    }),
  ]);
  const [a] = diffReports(base, head).items;
  assert.equal(a?.status, 'changed');
  assert.deepEqual(a?.futureBytes, { base: 100, head: 164, delta: 64 });
  assert.deepEqual(a?.states, { base: 4, head: 5, delta: 1 });
  assert.deepEqual(a?.heldBytes, { base: 64, head: 128, delta: 64 });
  assert.deepEqual(a?.codeBytes, { base: 300, head: 280, delta: -20 });
  assert.deepEqual(a?.panicSites, { base: 2, head: 1, delta: -1 });
  // .buf grew by 64, .n is new (8): both are causes, largest growth first.
  assert.deepEqual(
    a?.grew.map((c) => [c.name, c.state, c.line, c.baseBytes, c.headBytes, c.delta]),
    [
      ['.buf', 'Suspend0', 12, 64, 128, 64],
      ['.n', 'Suspend1', undefined, null, 8, 8],
    ],
  );
});

test('growth of an awaited child future is a cause', () => {
  const child = (bytes: number) => ({
    typeName: '{async fn body of io::write()}',
    bytes,
    item: 'io::write',
    state: 'Suspend0',
  });
  const base = report([item('a', { futureBytes: 40, children: [child(32)] })]);
  const head = report([item('a', { futureBytes: 72, children: [child(64)] })]);
  const [a] = diffReports(base, head).items;
  assert.deepEqual(
    a?.grew.map((c) => [c.what, c.name, c.delta]),
    [['awaitee', 'io::write', 32]],
  );
});

test('added and removed items; same name in another crate or kind is another item', () => {
  const base = report([item('a'), item('b'), item('c', { crate: 'lib1' })]);
  const head = report([item('a'), item('b', { kind: 'async-block' }), item('c', { crate: 'lib2' })]);
  const d = diffReports(base, head);
  const status = Object.fromEntries(d.items.map((i) => [`${i.crate}/${i.name}/${i.kind}`, i.status]));
  assert.deepEqual(status, {
    'app/a/async-fn': 'unchanged',
    'app/b/async-fn': 'removed',
    'app/b/async-block': 'added',
    'lib1/c/async-fn': 'removed',
    'lib2/c/async-fn': 'added',
  });
  assert.match(d.summary, /2 added, 2 removed/);
});

test('duplicate names are paired in source order and reported as ambiguous', () => {
  const block = (line: number, futureBytes: number) =>
    item('run::{async block}', { kind: 'async-block', line, futureBytes });
  const base = report([block(20, 32), block(10, 16)]);
  const head = report([block(11, 16), block(21, 48), block(30, 8)]);
  const d = diffReports(base, head);
  assert.deepEqual(
    d.items.map((i) => [i.status, i.futureBytes.base, i.futureBytes.head]),
    [
      ['unchanged', 16, 16],
      ['changed', 32, 48],
      ['added', null, 8],
    ],
  );
  assert.equal(d.warnings.length, 1);
  assert.match(d.warnings[0]!, /run::\{async block\}/);
  // The same input in another order gives the same diff.
  assert.deepEqual(diffReports(report([...base.items].reverse()), report([...head.items].reverse())), d);
});

test('findings are matched by rule + item + message, not by line', () => {
  const base = report([
    item('a', {
      findings: [
        finding('no-await', 'a', 'no await', 3),
        finding('x', 'a', 'twice', 4),
        finding('x', 'a', 'twice', 5),
      ],
    }),
  ]);
  const head = report([
    item('a', {
      findings: [
        finding('no-await', 'a', 'no await', 30),
        finding('x', 'a', 'twice', 6),
        finding('y', 'a', 'new one'),
      ],
    }),
  ]);
  const d = diffReports(base, head);
  assert.deepEqual(
    d.findings.new.map((f) => f.rule),
    ['y'],
  );
  assert.deepEqual(
    d.findings.fixed.map((f) => [f.rule, f.line]),
    [['x', 5]],
  );
  assert.match(d.summary, /1 new finding, 1 fixed/);
});

test('summary, totals and warnings on profile mismatch', () => {
  const base = report([item('a', { futureBytes: 100 }), item('b', { futureBytes: 50 })]);
  const head = report([item('a', { futureBytes: 164 }), item('b', { futureBytes: 40 })], {
    build: { profile: 'release', toolchain: 'stable', bootstrap: true },
  });
  const d = diffReports(base, head);
  assert.equal(d.summary, '1 future grew (+64 B), 1 future shrank (\u221210 B)');
  assert.deepEqual(d.totals.futureBytes, { base: 150, head: 204, delta: 54 });
  assert.match(d.warnings.join('\n'), /profiles differ \(base 'dev', head 'release'\)/);
});

test('a poll fn that lost or gained its own symbol is said next to the code bytes, not passed off as a saving', () => {
  const part = { kind: 'drop' as const, symbol: 'drop_in_place', bytes: 40, copies: 1 };
  const own = { codeBytes: 194, parts: [], inlined: false };
  const inlined = { codeBytes: 40, parts: [part], inlined: true };
  const unlinked = { codeBytes: 0, parts: [], inlined: true };
  const base = report([item('a', { code: own }), item('b', { code: own }), item('c', { code: own })]);
  const head = report([
    item('a', { code: inlined }),
    item('b', { code: unlinked }),
    item('c', { code: own }),
  ]);
  const rows = new Map(diffReports(base, head).items.map((i) => [i.name, i]));
  assert.deepEqual(rows.get('a')?.pollFn, { base: 'symbol', head: 'inlined' });
  assert.deepEqual(rows.get('b')?.pollFn, { base: 'symbol', head: 'no symbol' });
  assert.equal(rows.get('c')?.pollFn, undefined);
  assert.equal(
    formatCodeDelta(rows.get('a')!),
    '194 B → 40 B (−154 B); poll fn now without a symbol of its own (inlined, or no longer polled)',
  );
  assert.equal(formatCodeDelta(rows.get('b')!), '194 B → 0 B (−194 B); poll fn no longer linked');
  assert.equal(formatCodeDelta(rows.get('c')!), '194 B');
  const back = new Map(diffReports(head, base).items.map((i) => [i.name, i]));
  assert.match(formatCodeDelta(back.get('a')!), /; poll fn now a symbol of its own$/);
  assert.match(formatCodeDelta(back.get('b')!), /; poll fn now linked$/);
});

/**
 * `async fn dma_task(buf: [u8; N], seed: u32)` awaiting twice with `buf` used after the awaits, in the shape
 * nightly rustc 1.97 lays it out (the repro of the workspace user report): `buf` and `seed` are upvars and
 * locals at once (rust#62958), in both suspend states; Suspend1 also holds the local `s`.
 */
function dmaTask(n: number) {
  const args: [kind: 'upvar' | 'local' | 'awaitee', name: string, bytes: number][] = [
    ['upvar', 'buf', n],
    ['local', 'buf', n],
    ['upvar', 'seed', 4],
    ['local', 'seed', 4],
    ['awaitee', '__awaitee', 1],
  ];
  return item('dma_task', {
    file: 'app/src/lib.rs',
    line: 40,
    futureBytes: 2 * n + 20,
    states: 5,
    suspendPoints: 2,
    heldAcrossAwait: [
      heldKinds('Suspend0', args, 41),
      heldKinds('Suspend1', [...args, ['local', 's', 4]], 44),
    ],
    duplicatedArgs: [
      { name: 'buf', bytes: n },
      { name: 'seed', bytes: 4 },
    ],
    children: [
      { typeName: 'Yield', bytes: 1, state: 'Suspend0' },
      { typeName: 'Yield', bytes: 1, state: 'Suspend1' },
    ],
  });
}

test('an argument stored twice grows twice: one labelled line per copy, each naming every state holding it', () => {
  const [d] = diffReports(report([dmaTask(1024)]), report([dmaTask(1536)])).items;
  assert.equal(d?.futureBytes.delta, 1024);
  assert.deepEqual(
    d?.grew.map((c) => [c.kind, c.name, c.state, c.line, c.states, c.storedTwice, c.baseBytes, c.headBytes]),
    [
      ['upvar', 'buf', 'Suspend0', 41, ['Suspend0', 'Suspend1'], undefined, 1024, 1536],
      ['local', 'buf', 'Suspend0', 41, ['Suspend0', 'Suspend1'], true, 1024, 1536],
    ],
  );
  const lines = d!.grew.map((c) => formatCause(c));
  assert.deepEqual(lines, [
    'upvar `buf` in Suspend0, await at line 41 (also held in Suspend1): 1024 B \u2192 1536 B (+512 B)',
    'local `buf` (argument stored twice: rust#62958) in Suspend0, await at line 41 (also held in Suspend1): 1024 B \u2192 1536 B (+512 B)',
  ]);
  assert.equal(new Set(lines).size, lines.length, 'no two lines alike');
});

test('a field held in many states names the first and counts the rest', () => {
  const states = (n: number) =>
    Array.from({ length: 6 }, (_, i) => held(`Suspend${i}`, [['frame', n]], 10 + i));
  const [d] = diffReports(
    report([item('a', { futureBytes: 72, heldAcrossAwait: states(64) })]),
    report([item('a', { futureBytes: 136, heldAcrossAwait: states(128) })]),
  ).items;
  assert.equal(d?.grew.length, 1);
  assert.equal(
    formatCause(d!.grew[0]!),
    'local `frame` in Suspend0, await at line 10 (also held in Suspend1, Suspend2, Suspend3 and 2 more): 64 B \u2192 128 B (+64 B)',
  );
});

test("spans of closures, async blocks and coroutines are not part of an awaitee's identity", () => {
  assert.equal(withoutSpans('PollFn<{closure@src/main.rs:7:34: 7:42}>'), 'PollFn<{closure}>');
  assert.equal(
    withoutSpans('Map<{async block@src/lib.rs:3:5: 9:6}, {closure@src/lib.rs:9:11: 9:14}>'),
    'Map<{async block}, {closure}>',
  );
  assert.equal(withoutSpans('{async fn body of io::write()}'), '{async fn body of io::write()}');
  const child = (line: number, state: string, bytes = 32) => ({
    typeName: `PollFn<{closure@src/main.rs:${line}:34: ${line}:42}>`,
    bytes,
    state,
  });
  const big = { typeName: '{async fn body of big()}', item: 'big', bytes: 514, state: 'Suspend1' };
  const base = report([item('run', { futureBytes: 112, children: [child(6, 'Suspend1')] })]);
  const head = report([item('run', { futureBytes: 600, children: [big, child(7, 'Suspend2')] })]);
  assert.deepEqual(
    diffReports(base, head).items[0]?.grew.map((c) => c.name),
    ['big'],
  );
  // The same awaitee grown is growth, named as head names it.
  const grown = report([item('run', { futureBytes: 136, children: [child(7, 'Suspend2', 56)] })]);
  assert.deepEqual(
    diffReports(base, grown).items[0]?.grew.map((c) => [c.name, c.baseBytes, c.headBytes]),
    [['PollFn<{closure@src/main.rs:7:34: 7:42}>', 32, 56]],
  );
});

test('compiler temporaries are matched by type and counted, not by their shifting number', () => {
  assert.equal(isTemporaryField('.coroutine_field10'), true);
  assert.equal(isTemporaryField('.generator_field3'), true);
  assert.equal(isTemporaryField('__2'), true);
  assert.equal(isTemporaryField('__awaitee'), false);
  assert.equal(isTemporaryField('coroutine'), false);
  const flags = (from: number, n: number): [kind: 'local', name: string, bytes: number, type: string][] =>
    Array.from({ length: n }, (_, k) => ['local', `.coroutine_field${from + k}`, 1, 'bool']);
  const state = (name: string, n: number, from: number, line: number) =>
    heldKinds(name, [['awaitee', '__awaitee', 248, 'Fut'], ['local', 'tx', 8], ...flags(from, n)], line);
  const main = (n: number, from: number, extra = 0) =>
    item('main', {
      futureBytes: 272 + extra,
      heldAcrossAwait: [state('Suspend0', n, from, 90), state('Suspend1', n, from, 95)],
    });
  // An await added earlier renumbers them (7..9 → 8..10): nothing grew.
  assert.deepEqual(diffReports(report([main(3, 7)]), report([main(3, 8)])).items[0]?.grew, []);
  // One more of them is growth, said as what they are.
  const [d] = diffReports(report([main(3, 7)]), report([main(4, 8, 1)])).items;
  assert.deepEqual(
    d?.grew.map((c) => [c.name, c.temporaries, c.type, c.state, c.states, c.baseBytes, c.headBytes]),
    [['(temporaries)', 4, 'bool', 'Suspend0', ['Suspend0', 'Suspend1'], 3, 4]],
  );
  assert.equal(
    formatCause(d!.grew[0]!),
    'temporaries held across an await (4 \u00d7 `bool`) in Suspend0, await at line 90 (also held in Suspend1): 3 B \u2192 4 B (+1 B)',
  );
});

test('memory is the root futures: a nested future that grew counts once, and the line says the rows sum', () => {
  const child = (bytes: number) => ({
    typeName: '{async fn body of io::write()}',
    bytes,
    item: 'io::write',
    state: 'Suspend0',
  });
  const base = report([
    item('a', { futureBytes: 40, children: [child(32)] }),
    item('io::write', { futureBytes: 32 }),
  ]);
  const head = report([
    item('a', { futureBytes: 72, children: [child(64)] }),
    item('io::write', { futureBytes: 64 }),
  ]);
  const d = diffReports(base, head);
  // Summed over items, the growth of io::write counts twice (+64 B); the program holds `a` only (+32 B).
  assert.deepEqual(d.totals.futureBytes, { base: 72, head: 136, delta: 64 });
  assert.deepEqual(d.totals.rootFutureBytes, { base: 40, head: 72, delta: 32 });
  assert.match(
    memoryLine(d) ?? '',
    /^memory: root futures 40 B → 72 B \(\+32 B\); the future sizes above are per item/,
  );
  assert.equal(memoryLine(diffReports(base, base)), undefined);
});

test('a change of .text alone (another toolchain) is shown per crate, not hidden behind "no change"', () => {
  const crate = (textBytes: number, asyncCodeBytes: number) => [
    { name: 'app', asyncItems: 1, futureBytes: 40, textBytes, asyncCodeBytes },
  ];
  const base = report([item('a')], { crates: crate(437_475, 9000) });
  const head = report([item('a')], { crates: crate(437_635, 9000) });
  const d = diffReports(base, head);
  assert.equal(d.summary, 'no change in 1 async item; .text of app +160 B');
  assert.deepEqual(d.crates, [
    {
      name: 'app',
      textBytes: { base: 437_475, head: 437_635, delta: 160 },
      asyncCodeBytes: { base: 9000, head: 9000, delta: 0 },
    },
  ]);
  assert.deepEqual(crateLines(d), ['app: .text 437475 B → 437635 B (+160 B), async code 9000 B']);
  assert.ok(renderDiffHuman(d, colors('never')).includes('\napp: .text 437475 B → 437635 B (+160 B)'));
  assert.ok(renderDiffMarkdown(d).includes('\n- app: .text 437475 B → 437635 B (+160 B)'));
  // Nothing changed at all: nothing to say per crate.
  assert.deepEqual(crateLines(diffReports(base, base)), []);
});
