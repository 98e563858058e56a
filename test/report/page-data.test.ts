// The HTML report's pure parts: snippets with await marks, fix diffs, JSON embedding, the page's summary.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unifiedDiff } from '../../src/fix/unified-diff.ts';
import { fixDiff } from '../../src/report/html/fix-diff.ts';
import { pageData } from '../../src/report/html/page-data.ts';
import { jsonForScript } from '../../src/report/html/render.ts';
import { MAX_SNIPPET_LINES, snippetFor } from '../../src/report/html/snippet.ts';
import { analysisReport, RULES, readSample, SOURCES, scanReport } from './sample-reports.ts';

const radio = SOURCES['src/radio.rs']!;

describe('snippetFor', () => {
  test('finds the end of a body by its braces, skipping char literals and comments', () => {
    // `flush` starts on line 13 and holds `'{'` on line 14: the body still ends on line 16.
    const s = snippetFor(radio, { line: 13, column: 5 })!;
    assert.equal(s.first, 13);
    assert.equal(s.lines.length, 4);
    assert.equal(s.lines.at(-1), '    }');
    assert.deepEqual(s.marks, [[15, 33, 39]]);
    assert.equal(s.lines[2]!.slice(33, 39), '.await');
  });

  test('marks .await tokens but not ones in line comments', () => {
    const s = snippetFor(radio, { line: 6, column: 5 })!;
    assert.deepEqual(
      s.marks.map((m) => m[0]),
      [8, 10],
    );
  });

  test('scan await sites are used as given; MIR await lines mark whole lines', () => {
    const s = snippetFor(
      radio,
      { line: 6, column: 5, endLine: 11 },
      [7],
      [{ line: 10, column: 21, byteStart: 0, inMacro: false }],
    )!;
    assert.deepEqual(s.marks, [
      [7, 0, s.lines[1]!.length],
      [10, 20, 26],
    ]);
  });

  test('long bodies are cut and say so; missing source gives null', () => {
    const long = ['async fn f() {', ...Array.from({ length: 100 }, () => '    x.await;'), '}'].join('\n');
    const s = snippetFor(long, { line: 1, column: 1 })!;
    assert.equal(s.lines.length, MAX_SNIPPET_LINES);
    assert.equal(s.truncated, true);
    assert.equal(snippetFor(undefined, { line: 1, column: 1 }), null);
    assert.equal(snippetFor('fn x() {}', { line: 5, column: 1 }), null);
  });
});

describe('fixDiff', () => {
  test('is the unified diff `asyncbloat fix` prints: headers, 3 lines of context, file line numbers', () => {
    const at = radio.indexOf('self.flush().await');
    const diff = fixDiff(
      [
        { file: 'src/radio.rs', start: at, end: at, text: 'Box::pin(' },
        { file: 'src/radio.rs', start: at + 12, end: at + 12, text: ')' },
      ],
      readSample,
    );
    assert.deepEqual(diff, [
      { op: '@', text: '--- a/src/radio.rs' },
      { op: '@', text: '+++ b/src/radio.rs' },
      { op: '@', text: '@@ -7,7 +7,7 @@' },
      { op: ' ', text: '        let encoded = frame.encode(&mut self.buf);' },
      { op: ' ', text: '        net::fetch(encoded).await?;' },
      { op: ' ', text: '        // a comment with .await in it' },
      { op: '-', text: '        self.flush().await' },
      { op: '+', text: '        Box::pin(self.flush()).await' },
      { op: ' ', text: '    }' },
      { op: ' ', text: '' },
      { op: ' ', text: '    async fn flush(&mut self) -> Result<(), Error> {' },
    ]);
    // The same text as the CLI's diff of the whole file.
    const after = `${radio.slice(0, at)}Box::pin(${radio.slice(at, at + 12)})${radio.slice(at + 12)}`;
    assert.equal(
      diff.map((d) => (d.op === '@' ? d.text : d.op + d.text)).join('\n') + '\n',
      unifiedDiff('src/radio.rs', radio, after),
    );
  });

  test('an edit that deletes a whole line shows it removed and nothing added', () => {
    const text = 'a\nb\nc\n';
    assert.deepEqual(fixDiff([{ file: 'x', start: 2, end: 4, text: '' }], () => text).slice(2), [
      { op: '@', text: '@@ -1,3 +1,2 @@' },
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: ' ', text: 'c' },
    ]);
  });

  test('without the source the edits are described in words, not dropped', () => {
    const diff = fixDiff(
      [
        { file: 'gone.rs', start: 3, end: 7, text: 'new' },
        { file: 'gone.rs', start: 9, end: 9, text: 'a\nb' },
      ],
      () => undefined,
    );
    assert.deepEqual(diff, [
      {
        op: '@',
        text: 'gone.rs: no diff, the file could not be read (moved or deleted since the analysis?); the fix:',
      },
      { op: '@', text: 'replaces 4 characters with:' },
      { op: '+', text: 'new' },
      { op: '@', text: 'inserts:' },
      { op: '+', text: 'a' },
      { op: '+', text: 'b' },
    ]);
  });
});

test('jsonForScript escapes what could end or confuse a script element and round-trips', () => {
  const value = { s: '</script><!-- & \u2028\u2029 >' };
  const json = jsonForScript(value);
  assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(json), value);
});

describe('pageData', () => {
  test('analysis: summary, awaitee links, findings per rule with descriptions', () => {
    const d = pageData(analysisReport(), {
      readSource: readSample,
      ruleDescriptions: new Map(RULES.map((r) => [r.id, r.description])),
    });
    const items = analysisReport().items;
    assert.equal(d.kind, 'analysis');
    assert.equal(d.summary.asyncItems, items.length);
    assert.equal(
      d.summary.totalFutureBytes,
      items.reduce((s, i) => s + (i.futureBytes ?? 0), 0),
    );
    assert.equal(d.summary.panicPathBytes, 48);
    assert.equal(d.summary.textBytes, 48_000);
    // Nothing awaits main's block, send sits inside it and fetch/flush inside send.
    assert.equal(
      d.summary.rootFutureBytes,
      d.items
        .filter((i) => !['radio::Radio::send', 'radio::Radio::flush', 'net::fetch'].includes(i.name))
        .reduce((s, i) => s + (i.futureBytes ?? 0), 0),
    );
    assert.deepEqual(
      d.summary.findingsByRule.map((r) => [r.rule, r.count, r.description]),
      [
        ['held-across-await', 1, RULES[1]!.description],
        ['large-future', 1, RULES[0]!.description],
      ],
    );
    const send = d.items.findIndex((i) => i.name === 'radio::Radio::send');
    assert.deepEqual(
      d.items[0]!.children.map((c) => c.item),
      [send],
    );
    assert.equal(d.items[send]!.heldMax, 520);
    const layout = d.items[send]!.layout!;
    assert.equal(layout.fields[layout.states[1]!.fields[2]!]![1], 'padding');
    // `.self` is in all five states but stored once.
    assert.equal(layout.fields.filter((f) => f[0] === '.self').length, 1);
    assert.deepEqual(
      layout.states.map((s) => s.fields.length),
      [2, 4, 2, 1, 1],
    );
    assert.deepEqual(
      d.items[send]!.findings.map((k) => d.findings[k]!.rule),
      ['large-future', 'held-across-await'],
    );
    assert.equal(d.notices.length, 1);
  });

  test('scan: no sizes, findings joined to items by name, skipped files reported', () => {
    const d = pageData(scanReport(), { readSource: readSample });
    assert.equal(d.kind, 'scan');
    assert.equal(d.summary.totalFutureBytes, null);
    assert.deepEqual(d.items[0]!.findings, [0]);
    assert.equal(d.findings[0]!.item, 0);
    assert.deepEqual(
      d.notices.map((n) => n.text),
      [
        '1 file(s) parsed with errors, results there are partial; first: src/broken.rs',
        '1 file(s) skipped; first: src/huge.rs: larger than 2 MB',
      ],
    );
  });
});

test('fixDiff: an edit that empties a line keeps the (now empty) line', () => {
  assert.deepEqual(fixDiff([{ file: 'x', start: 2, end: 3, text: '' }], () => 'a\nb\nc\n').slice(2), [
    { op: '@', text: '@@ -1,3 +1,3 @@' },
    { op: ' ', text: 'a' },
    { op: '-', text: 'b' },
    { op: '+', text: '' },
    { op: ' ', text: 'c' },
  ]);
});

test("each fix carries its applicability to the page, as the report's JSON has it", () => {
  const report = analysisReport();
  const data = pageData(report, { readSource: readSample });
  const fixes = data.findings.filter((f) => f.fix);
  assert.ok(fixes.length > 0);
  const expected = report.items.flatMap((i) => i.findings).filter((f) => f.fix);
  assert.deepEqual(
    fixes.map((f) => f.fix!.applicability).sort(),
    expected.map((f) => f.fix!.applicability).sort(),
  );
  assert.ok(fixes.some((f) => f.fix!.applicability === 'maybe-incorrect'));
});
