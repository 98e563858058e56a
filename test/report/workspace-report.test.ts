// Summaries and page data of a workspace analysed from its root: two crates in one artifact (its `.text`
// counted once), fix edits named from the member, awaitees of the other crate, root vs all-item future bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixDiff, rebaseEdits } from '../../src/report/html/fix-diff.ts';
import { awaiteeLabel, pageData } from '../../src/report/html/page-data.ts';
import { asyncTextShare, renderMarkdown } from '../../src/report/markdown.ts';
import { WORKSPACE_SOURCES, workspaceReport } from './sample-reports.ts';

const read = (file: string) => WORKSPACE_SOURCES[file];

describe('async share of .text with two crates in one artifact', () => {
  test('the shared .text is counted once, the async code of both crates added', () => {
    assert.deepEqual(asyncTextShare(workspaceReport()), { asyncCodeBytes: 11_693, textBytes: 19_057 });
    const d = pageData(workspaceReport(), { readSource: read });
    assert.equal(d.summary.textBytes, 19_057);
    assert.equal(d.summary.asyncCodeBytes, 11_693);
  });

  test('markdown: 61.4 % of .text, not half of it', () => {
    const first = renderMarkdown(workspaceReport()).split('\n')[0]!;
    assert.match(first, /async code 11\.4 KiB \(61\.4% of \.text\)/);
  });

  test('no measured artifact: no share', () => {
    const r = workspaceReport();
    for (const c of r.crates) delete c.textBytes;
    assert.equal(asyncTextShare(r), null);
    assert.doesNotMatch(renderMarkdown(r), /of \.text/);
    assert.equal(pageData(r, { readSource: read }).summary.textBytes, null);
  });
});

describe('fix of a workspace member', () => {
  test('edits named from the member are read from the workspace root and shown as a unified diff', () => {
    const d = pageData(workspaceReport(), { readSource: read });
    const fix = d.findings[0]!.fix!;
    assert.deepEqual(fix.diff, [
      { op: '@', text: '--- a/driver/src/lib.rs' },
      { op: '@', text: '+++ b/driver/src/lib.rs' },
      { op: '@', text: '@@ -1,8 +1,8 @@' },
      { op: ' ', text: 'pub struct Sensor { id: u8 }' },
      { op: ' ', text: '' },
      { op: ' ', text: 'impl Sensor {' },
      { op: '-', text: '    pub async fn id(&self) -> u8 {' },
      { op: '-', text: '        self.id' },
      { op: '+', text: '    pub fn id(&self) -> impl ::core::future::Future<Output = u8> {' },
      { op: '+', text: '        ::core::future::ready(self.id)' },
      { op: ' ', text: '    }' },
      { op: ' ', text: '}' },
      { op: ' ', text: '' },
    ]);
    assert.ok(!fix.diff.some((l) => /offset/i.test(l.text)));
  });

  test('edits already named from the root are kept; an unreadable file is explained in words', () => {
    const edits = [{ file: 'driver/src/lib.rs', start: 0, end: 3, text: 'x' }];
    assert.deepEqual(rebaseEdits('driver/src/lib.rs', edits, read), edits);
    // The member's file is gone: the edit keeps its name and the diff says why it cannot be shown.
    const gone = [{ file: 'src/lib.rs', start: 4, end: 10, text: '' }];
    assert.deepEqual(
      rebaseEdits('driver/src/lib.rs', gone, () => undefined),
      gone,
    );
    assert.deepEqual(
      fixDiff(gone, () => undefined),
      [
        {
          op: '@',
          text: 'src/lib.rs: no diff, the file could not be read (moved or deleted since the analysis?); the fix:',
        },
        { op: '@', text: 'deletes 6 characters' },
      ],
    );
  });

  test('edits that do not fit the file as it is now are explained, not shown as offsets', () => {
    const diff = fixDiff([{ file: 'a.rs', start: 2, end: 40, text: 'y' }], () => 'short\n');
    assert.deepEqual(diff, [
      {
        op: '@',
        text: 'a.rs: no diff, the edits do not fit the file as it is now (changed since the analysis?); the fix:',
      },
      { op: '@', text: 'replaces 38 characters with:' },
      { op: '+', text: 'y' },
    ]);
  });
});

describe('awaitees', () => {
  test('an async fn of the other crate resolves to its item; blocks by their span; others are cleaned up', () => {
    const d = pageData(workspaceReport(), { readSource: read });
    const main = d.items.find((i) => i.name === 'main_loop')!;
    assert.deepEqual(
      main.children.map((c) => [c.label, c.item === null ? null : d.items[c.item]!.name]),
      [
        ['tiny_inline', 'tiny_inline'],
        ['main_loop::{async block#0}', 'main_loop::{async block#0}'],
        ['async block at app/src/lib.rs:5', null],
        ['core::future::Ready<u8>', null],
      ],
    );
    assert.equal(main.children[0]!.typeName, '{async fn body of driver::tiny_inline()}');
  });

  test('labels of unresolved awaitees', () => {
    assert.equal(awaiteeLabel('{async fn body of driver::tiny_inline()}'), 'driver::tiny_inline');
    assert.equal(awaiteeLabel('{async fn body of transfer<u8>()}'), 'transfer<u8>');
    assert.equal(awaiteeLabel('{async block@src/a.rs:4:5: 6:6}'), 'async block at src/a.rs:4');
    assert.equal(awaiteeLabel('{async block@src/a.rs:4:5: 6:6 (#0)}'), 'async block at src/a.rs:4');
    assert.equal(
      awaiteeLabel('{async closure body@app/src/lib.rs:70:28: 70:56}'),
      'async closure at app/src/lib.rs:70',
    );
    assert.equal(awaiteeLabel('core::future::Ready<u8>'), 'core::future::Ready<u8>');
  });

  test('an ambiguous crate path stays unresolved', () => {
    const r = workspaceReport();
    r.items.push({ ...structuredClone(r.items[1]!), file: 'driver/src/other.rs' });
    const d = pageData(r, { readSource: read });
    const main = d.items.find((i) => i.name === 'main_loop')!;
    assert.equal(main.children[0]!.item, null);
    assert.equal(main.children[0]!.label, 'driver::tiny_inline');
  });
});

test('root futures vs the sum over all items', () => {
  const d = pageData(workspaceReport(), { readSource: read });
  // main_loop (24) and Sensor::id (16) are awaited by nobody; tiny_inline and the block sit inside main_loop.
  assert.equal(d.summary.rootFutureBytes, 40);
  assert.equal(d.summary.totalFutureBytes, 16 + 12 + 1 + 24);
});
