// Builders for AnalysisReport documents in unit tests. The numbers passed in are test inputs for the
// arithmetic and matching of diff/check, not claims about what rustc produces (the e2e test covers that).
import { readFileSync } from 'node:fs';
import type { Finding } from '../../src/model/finding.ts';
import {
  type AnalysisReport,
  type AnalyzedItem,
  type HeldAcrossAwait,
  type LayoutField,
  SCHEMA_VERSION,
} from '../../src/model/report.ts';

export function item(name: string, over: Partial<AnalyzedItem> = {}): AnalyzedItem {
  return {
    name,
    kind: 'async-fn',
    crate: 'app',
    file: 'src/lib.rs',
    line: 1,
    column: 1,
    origin: 'scan',
    futureBytes: 16,
    states: 4,
    suspendPoints: 1,
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

export function held(state: string, fields: [name: string, bytes: number][], line?: number): HeldAcrossAwait {
  return {
    state,
    ...(line !== undefined ? { line } : {}),
    bytes: fields.reduce((s, [, b]) => s + b, 0),
    fields: fields.map(([name, bytes], i) => ({ name, kind: 'local', offset: i * 8, bytes })),
  };
}

/**
 * A state with fields of any kind, in rustc's order, e.g. an argument used after the await that rustc stores
 * twice (rust#62958): `[['upvar', 'buf', 1024], ['local', 'buf', 1024], ['awaitee', '__awaitee', 1]]`. A
 * fourth element is the type rustc prints for awaitees and unnamed locals (`['local', '.coroutine_field7', 1,
 * 'bool']`).
 */
export function heldKinds(
  state: string,
  fields: [kind: LayoutField['kind'], name: string, bytes: number, type?: string][],
  line?: number,
): HeldAcrossAwait {
  let offset = 0;
  return {
    state,
    ...(line !== undefined ? { line } : {}),
    bytes: fields.reduce((s, [, , b]) => s + b, 0),
    fields: fields.map(([kind, name, bytes, type]) => {
      const f: LayoutField = { name, kind, offset, bytes, ...(type !== undefined ? { type } : {}) };
      offset += bytes;
      return f;
    }),
  };
}

/** An analysis report as `asyncbloat analyze --format json` wrote it (test/fixtures/budget/recorded/). */
export function recorded(path: string): AnalysisReport {
  return JSON.parse(readFileSync(new URL(`../fixtures/budget/recorded/${path}`, import.meta.url), 'utf8'));
}

export function finding(rule: string, itemName: string, message: string, line = 1): Finding {
  return {
    rule,
    severity: 'warning',
    message,
    help: 'help text',
    item: itemName,
    file: 'src/lib.rs',
    line,
    column: 1,
    endLine: line,
    endColumn: 10,
    byteStart: 0,
    byteEnd: 10,
  };
}

export function report(items: AnalyzedItem[], over: Partial<AnalysisReport> = {}): AnalysisReport {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'asyncbloat', version: '0.1.0' },
    root: '/nonexistent/root',
    build: { profile: 'dev', toolchain: 'stable', bootstrap: true },
    warnings: [],
    items,
    crates: [{ name: 'app', asyncItems: items.length, futureBytes: 0 }],
    unparsed: [],
    scan: { filesScanned: 1, filesWithoutAsync: 0, filesWithParseErrors: [], skipped: [] },
    ...over,
  };
}
