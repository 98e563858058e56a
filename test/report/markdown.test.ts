// The pull-request comment: summary line, top-N table, findings; names escaped so they cannot break the table
// or turn into links, HTML or emphasis.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { itemOfFragment } from '../../src/report/html/anchor.ts';
import { pageData } from '../../src/report/html/page-data.ts';
import { escapeMarkdown, inlineMarkdown, renderMarkdown } from '../../src/report/markdown.ts';
import { formatBytes } from '../../src/report/text-table.ts';
import { analysisReport, scanReport } from './sample-reports.ts';

/** The rows of the comment's first table, the items (the goals table comes after it). */
function tableRows(md: string): string[][] {
  return (md.split('\n\n').find((block) => block.startsWith('| ')) ?? '')
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .map((l) =>
      l
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((c) => c.trim()),
    );
}

describe('markdown', () => {
  test('analysis: summary line, largest items first, findings with location and rule', () => {
    const report = analysisReport();
    const md = renderMarkdown(report, { top: 3 });
    const total = report.items.reduce((s, i) => s + (i.futureBytes ?? 0), 0);
    assert.ok(
      md.startsWith(
        `**asyncbloat**: 20 async items, ${formatBytes(total)} of futures summed over items, async code`,
      ),
    );
    assert.match(md.split('\n')[0]!, /2 findings \(held-across-await ×1, large-future ×1\)/);
    const rows = tableRows(md);
    assert.deepEqual(rows[0], ['future', 'states', 'held across await (max)', 'code', 'item', 'location']);
    assert.deepEqual(
      rows.slice(2).map((r) => r[4]),
      ['main::\\{async block\\}', 'radio::Radio::send', 'net::fetch'],
    );
    assert.deepEqual(rows[3], ['1104 B', '5', '520 B', '2310 B', 'radio::Radio::send', 'src/radio.rs:6']);
    assert.equal(rows[4]![3], 'no symbol');
    assert.match(md, /_Top 3 of 20 items\._/);
    assert.match(
      md,
      /^- ⚠️ src\/radio\.rs:8 \*\*large-future\*\*: future of `radio::Radio::send` is 1,104 bytes \\\(limit 1,024\\\)$/m,
    );
    assert.match(md, /^- ❌ src\/radio\.rs:7 \*\*held-across-await\*\*/m);
    assert.match(md, /> \[!WARNING\]\n> 2 line\(s\) of MIR could not be parsed/);
  });

  test('scan: no sizes, items with findings first', () => {
    const md = renderMarkdown(scanReport());
    assert.match(
      md,
      /^\*\*asyncbloat\*\*: 1 async item \(source scan; run `asyncbloat analyze` for sizes\), 1 finding/,
    );
    assert.deepEqual(tableRows(md)[2], ['2', '1', 'radio::Radio::send', 'src/radio.rs:6']);
  });

  test('hostile names cannot break the table or inject markup', () => {
    const report = analysisReport();
    report.items[0]!.name = 'a|b <img src=x> [link](http://e) *em* `code` _u_ ~s~ &amp; \\ #1\nnext';
    report.items[0]!.futureBytes = 1e9;
    const md = renderMarkdown(report, { top: 1 });
    const row = tableRows(md)[2]!;
    assert.equal(
      row.length,
      5,
      'the | in the name did not add a cell (no code column: the top item has none)',
    );
    assert.equal(
      row[3],
      'a\\|b \\<img src=x\\> \\[link\\]\\(http://e\\) \\*em\\* \\`code\\` \\_u\\_ \\~s\\~ \\&amp; \\\\ \\#1 next',
    );
    assert.doesNotMatch(md, /(?<!\\)<img/);
  });

  test('inlineMarkdown keeps code spans and fences content with backticks', () => {
    assert.equal(inlineMarkdown('future of `a::b` is *big*'), 'future of `a::b` is \\*big\\*');
    assert.equal(escapeMarkdown('x|y'), 'x\\|y');
    // Code spans are literal in Markdown: their content is not escaped; an unclosed one is closed.
    assert.equal(inlineMarkdown('`x<y>|z` *'), '`x<y>|z` \\*');
    assert.equal(inlineMarkdown('a `b c'), 'a `b c`');
  });
});

test('--html-link: each item links to its place in the HTML report, by the fragment the page resolves', () => {
  for (const report of [analysisReport(), scanReport()]) {
    const md = renderMarkdown(report, { htmlLink: 'https://ci.example/run 7/report.html', top: 100 });
    const page = pageData(report, { readSource: () => undefined });
    const links = [...md.matchAll(/\[([^\]]+)\]\((https:\/\/ci\.example\/run%207\/report\.html)#([^)]+)\)/g)];
    assert.equal(links.length, report.items.length, md);
    for (const [, text, , fragment] of links) {
      const k = itemOfFragment(page.items, `#${fragment}`);
      assert.ok(k !== null, fragment);
      assert.equal(escapeMarkdown(page.items[k]!.name), text);
    }
  }
  // Without the option, names stay plain text.
  assert.doesNotMatch(renderMarkdown(analysisReport()), /\]\(/);
});
