// The analyze table as a user reads it: every header names the cells below it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rootFutureBytes } from '../../src/measure/root-futures.ts';
import { fieldLabel, renderAnalyzeTable, renderExplain } from '../../src/report/analyze-human.ts';
import { colors } from '../../src/report/colors.ts';
import { displayWidth, formatBytes, shortenMiddle } from '../../src/report/text-table.ts';
import { analysisReport } from './sample-reports.ts';

/** The cell under each header word in every row; right-aligned columns end where their header ends. */
function columnUnder(table: string, name: string, align: 'left' | 'right' = 'left'): string[] {
  const [header, ...rows] = table.split('\n');
  const at = header!.search(new RegExp(`(?<=^|  )${name}(?=  |$)`));
  assert.ok(at >= 0, `no column ${name} in ${header}`);
  if (align === 'right')
    return rows.map(
      (r) =>
        r
          .slice(0, at + name.length)
          .split(/\s{2,}/)
          .pop()!,
    );
  return rows.map((r) => r.slice(at).split(/\s{2,}/)[0]!);
}

test('with items of several crates, the crate column holds each row’s crate and item holds its name', () => {
  const report = analysisReport();
  const dep = { ...report.items[0]!, crate: 'tokio', name: 'net::TcpStream::peek' };
  report.items = [...report.items, dep];
  const lines = renderAnalyzeTable(report, report.items, colors('never')).split('\n');
  const out = lines.slice(1, 2 + report.items.length).join('\n');
  assert.deepEqual(
    columnUnder(out, 'crate'),
    report.items.map((i) => i.crate),
  );
  assert.deepEqual(
    columnUnder(out, 'item'),
    report.items.map((i) => i.name),
  );
});

test('with one crate there is no crate column', () => {
  const report = analysisReport();
  const out = renderAnalyzeTable(report, report.items, colors('never'));
  assert.ok(!/ {2}crate {2}/.test(out.split('\n')[1]!));
});

test('code column: “inlined” only when other code of the future is there; no symbol at all says so', () => {
  const report = analysisReport();
  const [a, b, c] = report.items;
  a!.code = { codeBytes: 0, parts: [], inlined: true };
  const drop = {
    symbol: 'core::ptr::drop_in_place::<x::{closure#0}>',
    kind: 'drop' as const,
    bytes: 45,
    copies: 1,
  };
  b!.code = { codeBytes: 45, parts: [drop], inlined: true };
  const poll = { ...drop, symbol: 'x::{closure#0}', kind: 'poll' as const, bytes: 300 };
  c!.code = { codeBytes: 345, parts: [poll, drop], inlined: false };
  report.items = [a!, b!, c!];
  const lines = renderAnalyzeTable(report, report.items, colors('never')).split('\n');
  const out = lines.slice(1, 2 + report.items.length).join('\n');
  // A debug build inlines nothing: no symbol means the binary never uses the future (or, optimised,
  // that everything of it was inlined), which the table must not call "inlined".
  assert.deepEqual(columnUnder(out, 'code', 'right'), ['no symbol', 'no poll fn, 45 B', '345 B']);
  const explain = (i: typeof a) => renderExplain(i!, colors('never'));
  assert.match(explain(a), /machine code: no symbol in the binary \(never used by it, or inlined entirely\)/);
  assert.match(
    explain(b),
    /machine code: no poll fn symbol \(inlined into a caller, or never polled\); 45 B/,
  );
});

test('generic code instantiated for a future (executor, IntoFuture) is shown apart from its own code', () => {
  const report = analysisReport();
  const [a, b, c] = report.items;
  const part = (kind: 'poll' | 'drop' | 'runtime', bytes: number, symbol: string) => ({
    symbol,
    kind,
    bytes,
    copies: 1,
  });
  // A spawned block: poll fn inlined into the runtime's harness, which is instantiated for it.
  const harness = part('runtime', 30000, 'tokio::runtime::task::harness::Harness<x::{closure#0}, S>::poll');
  a!.code = { codeBytes: 30000, parts: [harness], inlined: true };
  b!.code = {
    codeBytes: 1300,
    parts: [part('poll', 300, 'y::{closure#0}'), part('runtime', 1000, 'z')],
    inlined: false,
  };
  c!.code = { codeBytes: 300, parts: [part('poll', 300, 'w::{closure#0}')], inlined: false };
  report.items = [a!, b!, c!];
  const lines = renderAnalyzeTable(report, report.items, colors('never')).split('\n');
  const out = lines.slice(1, 2 + report.items.length).join('\n');
  assert.deepEqual(columnUnder(out, 'code', 'right'), ['no poll fn', '300 B', '300 B']);
  assert.deepEqual(columnUnder(out, 'generic code', 'right'), ['29.3 KiB', '1000 B', '-']);
  assert.match(
    renderExplain(a!, colors('never')),
    /machine code: no poll fn symbol \(inlined into a caller, or never polled\); 29\.3 KiB, of which 29\.3 KiB is generic code instantiated for its type/,
  );
  // Without runtime code anywhere, there is no such column.
  b!.code = { codeBytes: 300, parts: [part('poll', 300, 'y::{closure#0}')], inlined: false };
  report.items = [b!, c!];
  assert.doesNotMatch(renderAnalyzeTable(report, report.items, colors('never')), /generic code/);
});

test('unnamed temporaries held across an await are labelled, named fields kept', () => {
  assert.equal(fieldLabel('.coroutine_field3'), '(temporary held across the await)');
  assert.equal(fieldLabel('buf'), 'buf');
  assert.equal(fieldLabel('__awaitee'), '__awaitee');
});

test('cells that say `-` are explained once below the table, with what to do', () => {
  const report = analysisReport();
  const [a, b, c] = report.items;
  a!.states = null; // not compiled (cfg-gated)
  a!.futureBytes = null;
  b!.futureBytes = null; // generic, never instantiated here
  b!.layouts = [];
  report.items = [a!, b!, c!];
  delete report.build.artifact;
  const out = renderAnalyzeTable(report, report.items, colors('never'));
  assert.match(out, /note: 1 item was not compiled in this build/);
  assert.match(
    out,
    /note: 1 item has no layout: a generic future is laid out only where it is instantiated; analyze the crate that uses it \(with --deps to see them there\)/,
  );
  // With --deps given, the advice to pass --deps would be no advice.
  const withDeps = renderAnalyzeTable(
    { ...report, build: { ...report.build, deps: true } },
    report.items,
    colors('never'),
  );
  assert.match(withDeps, /instantiated; no crate of this build instantiates it/);
  assert.doesNotMatch(withDeps, /--deps/);
  assert.match(out, /note: no machine code: this build links no binary, cdylib or staticlib/);
  assert.match(renderExplain(b!, colors('never')), /no layout: rustc lays out a generic future only where/);
  // Nothing to explain: no notes.
  const full = analysisReport();
  full.build.artifact = 'target/debug/app';
  full.items = full.items.filter((i) => i.states !== null && i.futureBytes !== null && !i.code?.inlined);
  assert.match(
    renderAnalyzeTable(
      full,
      [...full.items, { ...c!, code: { codeBytes: 0, parts: [], inlined: true } }],
      colors('never'),
    ),
    /note: 1 item has no poll fn symbol: .* lower bounds/,
  );
  assert.ok(full.items.length > 0);
  assert.doesNotMatch(renderAnalyzeTable(full, full.items, colors('never')), /note:/);
});

test('explain says a fix does not remove the generic code instantiated for the future', () => {
  const report = analysisReport();
  const item = report.items.find((i) => i.findings.some((f) => f.fix));
  assert.ok(item, 'the sample has a fixable finding');
  const harness = { symbol: 'Harness<F>::poll', kind: 'runtime' as const, bytes: 30000, copies: 1 };
  item.code = { codeBytes: 30000, parts: [harness], inlined: true };
  assert.match(
    renderExplain(item, colors('never')),
    /= note: the fix removes the coroutine, not the 29\.3 KiB of generic code instantiated for its type/,
  );
  item.code = { codeBytes: 0, parts: [], inlined: true };
  assert.doesNotMatch(renderExplain(item, colors('never')), /generic code/);
});

test('the footer gives the root futures as memory, and says the sum over rows counts nested futures twice', () => {
  const report = analysisReport();
  const footer = renderAnalyzeTable(report, report.items, colors('never'))
    .split('\n')
    .find((l) => l.includes('async items ('))!;
  const roots = rootFutureBytes(report);
  assert.ok(roots !== null && roots > 0);
  assert.ok(footer.includes(`; root futures ${formatBytes(roots)};`), footer);
  assert.match(footer, /summed over the items shown \(an awaited future counts in its awaiter too\)/);
});

test('a table wider than the terminal cuts its text columns in the middle, never its numbers', () => {
  const report = analysisReport();
  const long = { ...report.items[0]!, name: `dispatch::${'very_long_module_name::'.repeat(6)}handle` };
  report.items = [long, ...report.items.slice(1)];
  const wide = renderAnalyzeTable(report, report.items, colors('never'));
  const widest = Math.max(
    ...wide
      .split('\n')
      .slice(1, 2 + report.items.length)
      .map((l) => l.length),
  );
  assert.ok(widest > 120, `the fixture must be wider than 120 columns: ${widest}`);
  const fitted = renderAnalyzeTable(report, report.items, colors('never'), 120);
  const rows = fitted.split('\n').slice(1, 2 + report.items.length);
  for (const r of rows) assert.ok(displayWidth(r) <= 120, r);
  assert.match(fitted, / dispatch:\S*…\S*handle /);
  // The numbers stay whole: the future column is the same.
  assert.deepEqual(
    columnUnder(rows.join('\n'), 'future', 'right'),
    columnUnder(
      wide
        .split('\n')
        .slice(1, 2 + report.items.length)
        .join('\n'),
      'future',
      'right',
    ),
  );
});

test('shortenMiddle keeps both ends and counts wide characters as two columns', () => {
  assert.equal(shortenMiddle('abcdefghij', 5), 'ab…ij');
  assert.equal(shortenMiddle('short', 10), 'short');
  assert.ok(displayWidth(shortenMiddle('送信送信送信送信', 7)) <= 7);
});
