// Report documents built by hand for the rendering tests: they test how reports are drawn, not compiler
// numbers (the real-compiler test is report-real.test.ts). Shapes follow rustc 1.95's -Zprint-type-sizes.
import type { Finding } from '../../src/model/finding.ts';
import type { AnalysisReport, AnalyzedItem, FutureLayout, ScanReport } from '../../src/model/report.ts';
import type { RuleMeta } from '../../src/rules/index.ts';

export const SOURCES: Record<string, string> = {
  'src/radio.rs': [
    'use crate::net;',
    '',
    'pub struct Radio { buf: [u8; 256] }',
    '',
    'impl Radio {',
    '    pub async fn send(&mut self, frame: Frame) -> Result<(), Error> {',
    '        let encoded = frame.encode(&mut self.buf);',
    '        net::fetch(encoded).await?;',
    '        // a comment with .await in it',
    '        self.flush().await',
    '    }',
    '',
    '    async fn flush(&mut self) -> Result<(), Error> {',
    "        let c = '{';",
    '        storage::flush(&self.buf).await',
    '    }',
    '}',
    '',
  ].join('\n'),
  'src/main.rs': [
    'mod radio;',
    '',
    'fn main() {',
    '    let task = async {',
    '        let mut r = Radio::new();',
    '        r.send(Frame::ping()).await.unwrap();',
    '    };',
    '    block_on(task);',
    '}',
    '',
  ].join('\n'),
};

export const RULES: RuleMeta[] = [
  {
    id: 'large-future',
    description: 'A future larger than the configured limit.',
    docs: 'Futures are stored inline in their awaiter. A large future makes every awaiter large; `Box::pin` moves it to the heap.',
    defaultLevel: 'warning',
    fixable: true,
  },
  {
    id: 'held-across-await',
    description: 'A large local held across an `.await`.',
    docs: 'Locals alive at an `.await` are stored in the future for as long as it is suspended there.',
    defaultLevel: 'warning',
    fixable: false,
  },
];

function layout(typeName: string, bytes: number, states: FutureLayout['states']): FutureLayout {
  return { typeName, bytes, alignment: 8, discriminantBytes: 1, states };
}

function item(over: Partial<AnalyzedItem> & Pick<AnalyzedItem, 'name'>): AnalyzedItem {
  return {
    kind: 'async-fn',
    crate: 'firmware',
    origin: 'scan',
    futureBytes: null,
    states: null,
    suspendPoints: null,
    mirLines: null,
    basicBlocks: null,
    panicPaths: null,
    layouts: [],
    heldAcrossAwait: [],
    duplicatedArgs: [],
    children: [],
    findings: [],
    ...over,
  };
}

const sendText = SOURCES['src/radio.rs']!;
const fetchAt = sendText.indexOf('net::fetch(encoded).await');

export const LARGE_FUTURE: Finding = {
  rule: 'large-future',
  severity: 'warning',
  message: 'future of `radio::Radio::send` is 1,104 bytes (limit 1,024)',
  help: 'box the largest awaitee with Box::pin',
  item: 'radio::Radio::send',
  file: 'src/radio.rs',
  line: 8,
  column: 9,
  endLine: 8,
  endColumn: 35,
  byteStart: fetchAt,
  byteEnd: fetchAt + 26,
  fix: {
    description: 'box the awaited future',
    applicability: 'maybe-incorrect',
    caveat: 'adds one heap allocation per call',
    edits: [
      { file: 'src/radio.rs', start: fetchAt, end: fetchAt, text: 'Box::pin(' },
      { file: 'src/radio.rs', start: fetchAt + 19, end: fetchAt + 19, text: ')' },
    ],
  },
};

export const HELD: Finding = {
  rule: 'held-across-await',
  severity: 'error',
  message: '`encoded` (512 bytes) is held across the await on line 10',
  help: 'drop it before the await or move it into a block',
  item: 'radio::Radio::send',
  file: 'src/radio.rs',
  line: 7,
  column: 13,
  endLine: 7,
  endColumn: 20,
  byteStart: 0,
  byteEnd: 0,
};

export function analysisReport(): AnalysisReport {
  const send = item({
    name: 'radio::Radio::send',
    file: 'src/radio.rs',
    line: 6,
    column: 5,
    awaits: 2,
    futureBytes: 1104,
    states: 5,
    suspendPoints: 2,
    mirLines: 180,
    basicBlocks: 31,
    panicPaths: { resumedAfterCompletion: true, resumedAfterPanic: true },
    layouts: [
      layout('{async fn body of radio::Radio::send()}', 1104, [
        {
          name: 'Unresumed',
          bytes: 24,
          fields: [
            { name: '.self', kind: 'upvar', offset: 1, bytes: 8 },
            { name: '.frame', kind: 'upvar', offset: 9, bytes: 16 },
          ],
        },
        {
          name: 'Suspend0',
          bytes: 1103,
          awaitLine: 8,
          fields: [
            { name: '.self', kind: 'upvar', offset: 1, bytes: 8 },
            { name: '.encoded', kind: 'local', offset: 9, bytes: 512 },
            { name: 'padding', kind: 'padding', offset: 521, bytes: 7 },
            {
              name: '.__awaitee',
              kind: 'awaitee',
              offset: 528,
              bytes: 576,
              type: '{async fn body of net::fetch()}',
            },
          ],
        },
        {
          name: 'Suspend1',
          bytes: 200,
          awaitLine: 10,
          fields: [
            { name: '.self', kind: 'upvar', offset: 1, bytes: 8 },
            {
              name: '.__awaitee',
              kind: 'awaitee',
              offset: 9,
              bytes: 192,
              type: '{async fn body of radio::Radio::flush()}',
            },
          ],
        },
        { name: 'Returned', bytes: 8, fields: [{ name: '.self', kind: 'upvar', offset: 1, bytes: 8 }] },
        { name: 'Panicked', bytes: 8, fields: [{ name: '.self', kind: 'upvar', offset: 1, bytes: 8 }] },
      ]),
    ],
    heldAcrossAwait: [
      { state: 'Suspend0', line: 8, bytes: 520, fields: [] },
      { state: 'Suspend1', line: 10, bytes: 8, fields: [] },
    ],
    children: [
      { typeName: '{async fn body of net::fetch()}', bytes: 576, item: 'net::fetch', state: 'Suspend0' },
      {
        typeName: '{async fn body of radio::Radio::flush()}',
        bytes: 192,
        item: 'radio::Radio::flush',
        state: 'Suspend1',
      },
    ],
    code: { codeBytes: 2310, inlined: false, parts: [] },
    panicSites: { resumed: 1, resumedPanic: 1, bytes: 48 },
    // Copies: tests change findings in place.
    findings: [structuredClone(LARGE_FUTURE), structuredClone(HELD)],
  });
  const flush = item({
    name: 'radio::Radio::flush',
    file: 'src/radio.rs',
    line: 13,
    column: 5,
    awaits: 1,
    futureBytes: 192,
    states: 4,
    suspendPoints: 1,
    layouts: [
      layout('{async fn body of radio::Radio::flush()}', 192, [
        { name: 'Unresumed', bytes: 8, fields: [{ name: '.self', kind: 'upvar', offset: 1, bytes: 8 }] },
        {
          name: 'Suspend0',
          bytes: 192,
          awaitLine: 15,
          fields: [
            { name: '.self', kind: 'upvar', offset: 1, bytes: 8 },
            {
              name: '.__awaitee',
              kind: 'awaitee',
              offset: 9,
              bytes: 128,
              type: '{async fn body of storage::flush()}',
            },
          ],
        },
        { name: 'Returned', bytes: 8, fields: [] },
      ]),
    ],
    children: [{ typeName: '{async fn body of storage::flush()}', bytes: 128, state: 'Suspend0' }],
    code: { codeBytes: 640, inlined: false, parts: [] },
  });
  const fetch = item({
    name: 'net::fetch',
    kind: 'async-fn',
    file: 'src/net.rs',
    line: 3,
    column: 1,
    awaits: 3,
    futureBytes: 576,
    states: 6,
    suspendPoints: 3,
    code: { codeBytes: 0, inlined: true, parts: [] },
  });
  const task = item({
    name: 'main::{async block}',
    kind: 'async-block',
    file: 'src/main.rs',
    line: 4,
    column: 16,
    awaits: 1,
    futureBytes: 1120,
    states: 4,
    suspendPoints: 1,
    children: [
      {
        typeName: '{async fn body of radio::Radio::send()}',
        bytes: 1104,
        item: 'radio::Radio::send',
        state: 'Suspend0',
      },
    ],
  });
  const macroItem = item({
    name: 'tokio::select::{async block#3}',
    kind: 'async-block',
    origin: 'compiler',
    futureBytes: 64,
    states: 3,
    suspendPoints: 0,
  });
  // Generic and never instantiated: rustc printed no layout, so its size is unknown (null), not 0.
  const unsized = item({ name: 'config::load', file: 'src/config.rs', line: 1, column: 1, awaits: 1 });
  const many = Array.from({ length: 14 }, (_, k) =>
    item({
      name: `handlers::h${k}`,
      file: 'src/handlers.rs',
      line: 10 + k * 5,
      column: 1,
      awaits: 1 + (k % 3),
      futureBytes: 40 + k * 37,
      states: 3 + (k % 3),
      suspendPoints: k % 3,
    }),
  );
  return {
    schemaVersion: 1,
    tool: { name: 'asyncbloat', version: '0.1.0' },
    root: '/home/dev/firmware',
    build: { profile: 'release', toolchain: 'rustc 1.95.0', bootstrap: true },
    warnings: [],
    items: [task, send, flush, fetch, macroItem, unsized, ...many],
    crates: [
      { name: 'firmware', asyncItems: 20, futureBytes: 3056, asyncCodeBytes: 2950, textBytes: 48_000 },
    ],
    unparsed: [{ source: 'MIR', count: 2, example: 'bb7: { <weird> }' }],
    scan: { filesScanned: 4, filesWithoutAsync: 1, filesWithParseErrors: [], skipped: [] },
  };
}

export function scanReport(): ScanReport {
  return {
    schemaVersion: 1,
    tool: { name: 'asyncbloat', version: '0.1.0' },
    root: '/home/dev/firmware',
    items: [
      {
        kind: 'async-fn',
        name: 'radio::Radio::send',
        fnName: 'send',
        placement: 'inherent-method',
        isPublic: true,
        awaits: 2,
        awaitSites: [
          { line: 8, column: 28, byteStart: 0, inMacro: false },
          { line: 10, column: 21, byteStart: 0, inMacro: false },
        ],
        rustcStart: { line: 6, column: 69 },
        file: 'src/radio.rs',
        line: 6,
        column: 5,
        endLine: 11,
        endColumn: 6,
        byteStart: 0,
        byteEnd: 0,
      },
    ],
    findings: [structuredClone(LARGE_FUTURE)],
    stats: {
      filesScanned: 2,
      filesWithoutAsync: 1,
      filesWithParseErrors: ['src/broken.rs'],
      skipped: [{ file: 'src/huge.rs', reason: 'larger than 2 MB' }],
    },
  };
}

export function readSample(file: string): string | undefined {
  return SOURCES[file];
}

/** Sources of workspaceReport(), by path from the workspace root. */
export const WORKSPACE_SOURCES: Record<string, string> = {
  'driver/src/lib.rs': [
    'pub struct Sensor { id: u8 }',
    '',
    'impl Sensor {',
    '    pub async fn id(&self) -> u8 {',
    '        self.id',
    '    }',
    '}',
    '',
    '#[inline(always)]',
    'pub async fn tiny_inline(v: u32) -> u32 {',
    '    yield_now().await;',
    '    v + 1',
    '}',
    '',
  ].join('\n'),
  'app/src/lib.rs': [
    'pub async fn main_loop() {',
    '    driver::tiny_inline(1).await;',
    '    let job = async { 1 };',
    '    job.await;',
    '    async { 2 }.await;',
    '    core::future::ready(3u8).await;',
    '}',
    '',
  ].join('\n'),
};

const idText = WORKSPACE_SOURCES['driver/src/lib.rs']!;
const asyncAt = idText.indexOf('async fn id');
const bodyAt = idText.indexOf('self.id');

/**
 * A workspace (`driver` lib + `app` cdylib) analysed from its root: both crates are linked into the one
 * artifact, libapp.so, so both carry its `.text` (19,057 B). Findings name files from the workspace root, but
 * the no-await fix's edits name the file from the member (`src/lib.rs`), as `analyze` wrote them.
 */
export function workspaceReport(): AnalysisReport {
  const id = item({
    name: 'Sensor::id',
    crate: 'driver',
    file: 'driver/src/lib.rs',
    line: 4,
    column: 5,
    awaits: 0,
    futureBytes: 16,
    states: 3,
    suspendPoints: 0,
    findings: [
      {
        rule: 'no-await',
        severity: 'warning',
        message: '`async fn id` never awaits',
        help: 'return a ready future',
        item: 'Sensor::id',
        file: 'driver/src/lib.rs',
        line: 4,
        column: 5,
        endLine: 4,
        endColumn: 16,
        byteStart: asyncAt,
        byteEnd: asyncAt + 11,
        fix: {
          description: 'return a ready future instead of a coroutine',
          applicability: 'machine-applicable',
          edits: [
            { file: 'src/lib.rs', start: asyncAt, end: asyncAt + 6, text: '' },
            {
              file: 'src/lib.rs',
              start: asyncAt + 22,
              end: asyncAt + 22,
              text: 'impl ::core::future::Future<Output = ',
            },
            { file: 'src/lib.rs', start: asyncAt + 24, end: asyncAt + 24, text: '>' },
            { file: 'src/lib.rs', start: bodyAt, end: bodyAt, text: '::core::future::ready(' },
            { file: 'src/lib.rs', start: bodyAt + 7, end: bodyAt + 7, text: ')' },
          ],
        },
      },
    ],
  });
  const tiny = item({
    name: 'tiny_inline',
    crate: 'driver',
    file: 'driver/src/lib.rs',
    line: 10,
    column: 1,
    awaits: 1,
    futureBytes: 12,
    states: 4,
    suspendPoints: 1,
  });
  const job = item({
    name: 'main_loop::{async block#0}',
    kind: 'async-block',
    crate: 'app',
    file: 'app/src/lib.rs',
    line: 3,
    column: 15,
    awaits: 0,
    futureBytes: 1,
    states: 3,
    suspendPoints: 0,
  });
  const mainLoop = item({
    name: 'main_loop',
    crate: 'app',
    file: 'app/src/lib.rs',
    line: 1,
    column: 1,
    awaits: 4,
    futureBytes: 24,
    states: 7,
    suspendPoints: 4,
    children: [
      // The analysis resolves awaitees per crate: one from the other crate stays unresolved.
      { typeName: '{async fn body of driver::tiny_inline()}', bytes: 12, state: 'Suspend0' },
      { typeName: '{async block@app/src/lib.rs:3:15: 3:26}', bytes: 1, state: 'Suspend1' },
      { typeName: '{async block@app/src/lib.rs:5:5: 5:16}', bytes: 1, state: 'Suspend2' },
      { typeName: 'core::future::Ready<u8>', bytes: 2, state: 'Suspend3' },
    ],
  });
  return {
    schemaVersion: 1,
    tool: { name: 'asyncbloat', version: '0.1.0' },
    root: '/home/dev/ws',
    build: {
      profile: 'dev',
      toolchain: 'rustc 1.97.0-nightly',
      bootstrap: false,
      artifact: 'target/asyncbloat/debug/libapp.so',
    },
    warnings: [],
    items: [id, tiny, job, mainLoop],
    crates: [
      { name: 'driver', asyncItems: 2, futureBytes: 28, asyncCodeBytes: 3970, textBytes: 19_057 },
      { name: 'app', asyncItems: 2, futureBytes: 25, asyncCodeBytes: 7723, textBytes: 19_057 },
    ],
    unparsed: [],
    scan: { filesScanned: 2, filesWithoutAsync: 0, filesWithParseErrors: [], skipped: [] },
  };
}
