// The inventory of the fixture crates, item by item: kind, crate path, place and own awaits. Positions are
// checked against the fixture text itself (UTF-8 bytes via Buffer, columns via the line's text).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AsyncItem } from '../../src/model/async-item.ts';
import { loadRustParser } from '../../src/readers/rust-source/parser.ts';
import { analyzeFile } from '../../src/scan/analyze-file.ts';
import { scan } from '../../src/scan/index.ts';

const FIXTURES = 'test/fixtures/scan';

type Row = [
  kind: AsyncItem['kind'],
  name: string,
  file: string,
  line: number,
  column: number,
  awaits: number,
];

const CONSTRUCTS: Row[] = [
  ['async-fn', 'value', 'src/lib.rs', 8, 1, 0],
  ['async-fn', 'awaits_once', 'src/lib.rs', 13, 1, 1],
  ['async-fn', 'await_in_macro', 'src/lib.rs', 20, 1, 1],
  ['async-fn', 'only_nested_awaits', 'src/lib.rs', 24, 1, 1],
  ['async-block', 'only_nested_awaits::{async block#0}', 'src/lib.rs', 25, 17, 2],
  ['async-fn', 'nested_holds_all', 'src/lib.rs', 29, 1, 0],
  ['async-block', 'nested_holds_all::{async block#0}', 'src/lib.rs', 30, 5, 1],
  ['async-block', 'returns_block::{async block#0}', 'src/lib.rs', 34, 5, 0],
  ['async-fn', 'with_closures', 'src/lib.rs', 37, 1, 2],
  ['async-closure', 'with_closures::{async closure#0}', 'src/lib.rs', 38, 15, 1],
  ['async-closure', 'with_closures::{async closure#1}', 'src/lib.rs', 39, 16, 0],
  ['async-fn', 'send', 'src/lib.rs', 43, 1, 0],
  ['async-fn', 'same_callee_arms', 'src/lib.rs', 47, 1, 2],
  ['async-fn', 'different_callee_arms', 'src/lib.rs', 58, 1, 2],
  ['async-fn', 'if_chain', 'src/lib.rs', 65, 1, 3],
  ['async-fn', 'wrapper', 'src/lib.rs', 75, 1, 1],
  ['async-fn', '送信', 'src/lib.rs', 80, 1, 2],
  ['async-fn', 'r#match', 'src/lib.rs', 84, 1, 0],
  ['async-fn', 'Counter::bump', 'src/lib.rs', 93, 5, 1],
  ['async-fn', 'Service::ping', 'src/lib.rs', 102, 5, 0],
  ['async-fn', '<Counter as Service>::call', 'src/lib.rs', 108, 5, 0],
  ['async-fn', 'inline::deep', 'src/lib.rs', 114, 5, 1],
  ['async-fn', 'from_item_macro', 'src/lib.rs', 124, 5, 1],
  ['async-fn', 'radio::bom::marked', 'src/radio/bom.rs', 1, 1, 0],
  ['async-fn', 'radio::driver::write', 'src/radio/driver.rs', 1, 1, 1],
  ['async-block', 'radio::driver::write::{async block#0}', 'src/radio/driver.rs', 3, 5, 0],
  ['async-fn', 'radio::Radio::send', 'src/radio/mod.rs', 8, 5, 1],
];

const WORKSPACE: Row[] = [
  ['async-fn', 'step', 'app/src/main.rs', 5, 1, 0],
  ['async-block', 'main::{async block#0}', 'app/src/main.rs', 10, 11, 2],
  ['async-block', 'main::{async block#0}::{async block#0}', 'app/src/main.rs', 12, 17, 1],
  ['async-fn', 'bus::transfer', 'sensor/src/bus.rs', 1, 1, 0],
  ['async-fn', 'bus::dma::start', 'sensor/src/bus.rs', 6, 5, 2],
  ['async-block', 'bus::dma::start::{async block#0}', 'sensor/src/bus.rs', 7, 21, 0],
  ['async-fn', 'bus::dma::chunk_size', 'sensor/src/bus.rs', 11, 5, 0],
  ['async-fn', 'read', 'sensor/src/lib.rs', 3, 1, 2],
];

const rows = (items: AsyncItem[]): Row[] =>
  items.map((i) => [i.kind, i.name, i.file, i.line, i.column, i.awaits]);

/** Checks every span field against the file's own text. */
function assertSpansMatchText(root: string, items: AsyncItem[]): void {
  for (const i of items) {
    // scan's offsets count from after a leading byte-order mark, as rustc's do
    const text = readFileSync(join(root, i.file), 'utf8').replace(/^\uFEFF/, '');
    const lines = text.split('\n');
    const start = lines.slice(0, i.line - 1).join('\n').length + (i.line > 1 ? 1 : 0) + i.column - 1;
    const end = lines.slice(0, i.endLine - 1).join('\n').length + (i.endLine > 1 ? 1 : 0) + i.endColumn - 1;
    assert.equal(i.byteStart, Buffer.byteLength(text.slice(0, start)), `${i.name} byteStart`);
    assert.equal(i.byteEnd, Buffer.byteLength(text.slice(0, end)), `${i.name} byteEnd`);
    const src = Buffer.from(text).subarray(i.byteStart, i.byteEnd).toString();
    assert.match(src, i.kind === 'async-closure' ? /^async\b[\s\S]*$/ : /\basync\b/, `${i.name} span text`);
    assert.ok(/[}\w)]$/.test(src), `${i.name} span ends at its last token: ${src.slice(-10)}`);
  }
}

describe('inventory of fixture crates', () => {
  it('constructs: every async fn, block and closure with its path and own awaits', async () => {
    const root = join(FIXTURES, 'constructs');
    const r = await scan(root, { cache: false });
    assert.deepEqual(rows(r.items), CONSTRUCTS);
    assertSpansMatchText(root, r.items);
    assert.deepEqual(r.stats, {
      filesScanned: 4,
      filesWithoutAsync: 0,
      filesWithParseErrors: [],
      skipped: [],
      findingsInTests: 0,
    });
  });

  it('constructs: placement, visibility, parents and await sites', async () => {
    const r = await scan(join(FIXTURES, 'constructs'), { cache: false });
    const by = new Map(r.items.map((i) => [i.name, i]));
    assert.equal(by.get('Counter::bump')?.placement, 'inherent-method');
    assert.equal(by.get('Service::ping')?.placement, 'trait-default');
    assert.equal(by.get('<Counter as Service>::call')?.placement, 'trait-impl');
    assert.equal(by.get('value')?.placement, 'free');
    assert.equal(by.get('value')?.isPublic, true);
    assert.equal(by.get('send')?.isPublic, false);
    assert.equal(by.get('送信')?.fnName, '送信');
    assert.equal(by.get('only_nested_awaits::{async block#0}')?.parent, 'only_nested_awaits');
    assert.equal(by.get('returns_block::{async block#0}')?.parent, undefined);
    // `assert_eq!(value().await, 7)`: the await is macro tokens
    assert.deepEqual(
      by.get('await_in_macro')?.awaitSites.map((s) => [s.line, s.inMacro]),
      [[21, true]],
    );
    // the `.await`s in the doc comment, comment, string and raw string on lines 12-16 are not sites
    assert.deepEqual(
      by.get('awaits_once')?.awaitSites.map((s) => [s.line, s.inMacro]),
      [[17, false]],
    );
    for (const i of r.items) assert.equal(i.awaits, i.awaitSites.length, i.name);
  });

  it('workspace: module paths per member crate, nested blocks named after their parent', async () => {
    const root = join(FIXTURES, 'workspace');
    const r = await scan(root, { cache: false });
    assert.deepEqual(rows(r.items), WORKSPACE);
    assertSpansMatchText(root, r.items);
  });
});

describe('inventory of snippets', () => {
  const items = async (code: string, modulePath = '') =>
    analyzeFile(await loadRustParser(), code, 'src/lib.rs', modulePath).items;

  it('counts awaits in select!/join! calls and in macro token trees, never in comments or strings', async () => {
    const code = [
      'async fn f() {',
      '    tokio::select! { v = rx.recv() => {} }',
      '    let (a, b) = futures::join!(x(), y());',
      '    vec![g().await];',
      '    /* g().await */ let s = "h().await"; let c = \'a\';',
      '}',
    ].join('\n');
    const [f] = await items(code);
    assert.deepEqual(
      f?.awaitSites.map((s) => [s.line, s.inMacro]),
      [
        [2, true],
        [3, true],
        [4, true],
      ],
    );
  });

  it('async blocks written inside macro calls are items and own their awaits', async () => {
    const code = 'async fn f() {\n    futures::join!(async { a().await }, async move { 1 });\n}';
    const got = (await items(code)).map((i) => [i.kind, i.name, i.awaits]);
    assert.deepEqual(got, [
      ['async-fn', 'f', 1],
      ['async-block', 'f::{async block#0}', 1],
      ['async-block', 'f::{async block#1}', 0],
    ]);
  });

  it('converts UTF-16 offsets to UTF-8 bytes and char columns past emoji and CJK', async () => {
    const code = 'const E: &str = "🦀é";\nfn f() { let 名前 = "🦀"; let b = async { 名前 }; }\n';
    const [b] = await items(code, 'm');
    assert.ok(b);
    const start = code.indexOf('async {');
    assert.equal(b.byteStart, Buffer.byteLength(code.slice(0, start)));
    assert.equal(b.name, 'm::f::{async block#0}');
    const lineStart = code.lastIndexOf('\n', start) + 1;
    assert.equal(b.column, start - lineStart + 1, 'UTF-16 column');
    assert.equal(b.rustcStart.column, [...code.slice(lineStart, start)].length + 1, 'char column');
  });

  it('ignores items in macro_rules! definitions and counts their awaits as stray', async () => {
    const code = 'macro_rules! m {\n    () => { async fn x() { y().await } };\n}';
    assert.deepEqual(await items(code), []);
  });
});

describe('parsing part of a file (macro bodies)', () => {
  it('nodes of a subtree report the points the whole tree reports, in UTF-16 units, also after non-ASCII text', async () => {
    const parser = await loadRustParser();
    const text = 'fn a() { let s = "é😀"; }\nfoo! { async fn x() { y().await } }\n';
    const whole = parser.parse(text);
    const body = whole.rootNode.descendantsOfType('token_tree')[0]!;
    const sub = parser.parse(text, [{ startIndex: body.startIndex + 1, endIndex: body.endIndex - 1 }]);
    try {
      const at = text.indexOf('async');
      const node = sub.rootNode.descendantForIndex(at)!;
      assert.equal(node.type, 'async');
      assert.equal(node.startIndex, at);
      assert.deepEqual(node.startPosition, { row: 1, column: at - text.indexOf('\n') - 1 });
      const call = sub.rootNode.descendantForIndex(text.indexOf('y()'))!;
      assert.deepEqual(
        call.startPosition,
        whole.rootNode.descendantForIndex(text.indexOf('y()'))!.startPosition,
      );
    } finally {
      sub.delete();
      whole.delete();
    }
  });
});
