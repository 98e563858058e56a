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
