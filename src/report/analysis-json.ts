// `analyze --format json`: the AnalysisReport as documented in docs/json-schema.md. Items are written with
// every key present (absent values as null) so consumers and diffs see one shape; findings exactly as `scan`
// writes them.
import { goalEstimate } from '../measure/goal-estimate.ts';
import { frameOutgrowsFuture, LARGE_FRAME_ADVICE } from '../measure/stack-use.ts';
import type { AnalysisReport, AnalyzedItem, StackUse } from '../model/report.ts';
import { findingJson } from './json.ts';

export function analysisReportJson(report: AnalysisReport): string {
  const doc = {
    schemaVersion: report.schemaVersion,
    tool: report.tool,
    root: report.root,
    build: report.build,
    crates: report.crates,
    tasks: report.tasks ?? [],
    staticFutures: report.staticFutures ?? [],
    staticRamBytes: report.staticRamBytes ?? null,
    items: report.items.map(itemJson),
    warnings: report.warnings,
    unparsed: report.unparsed,
    scan: report.scan,
    goalEstimate: goalEstimate(report),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function itemJson(i: AnalyzedItem) {
  return {
    name: i.name,
    kind: i.kind,
    crate: i.crate,
    file: i.file ?? null,
    line: i.line ?? null,
    column: i.column ?? null,
    origin: i.origin,
    awaits: i.awaits ?? null,
    futureBytes: i.futureBytes,
    states: i.states,
    suspendPoints: i.suspendPoints,
    mirLines: i.mirLines,
    basicBlocks: i.basicBlocks,
    panicPaths: i.panicPaths,
    heldAcrossAwait: i.heldAcrossAwait,
    duplicatedArgs: i.duplicatedArgs,
    children: i.children,
    codeBytes: i.code?.codeBytes ?? null,
    code: i.code ?? null,
    panicSites: i.panicSites ?? null,
    stack: i.stack ? stackJson(i.stack) : null,
    boxAdvice: i.boxAdvice ?? null,
    layouts: i.layouts,
    findings: i.findings.map(findingJson),
  };
}

/** The frames, with the advice reporters show when the poll frame outgrows the future. */
function stackJson(stack: StackUse) {
  return { ...stack, note: frameOutgrowsFuture(stack) ? LARGE_FRAME_ADVICE : null };
}
