// `--format json` for scan: the ScanReport with a fixed key order, so output diffs cleanly between runs.
// The schema is documented in docs/json-schema.md; bump SCHEMA_VERSION on incompatible changes.
import type { AsyncItem } from '../model/async-item.ts';
import type { Finding } from '../model/finding.ts';
import type { ScanReport } from '../model/report.ts';

export function scanReportJson(report: ScanReport): string {
  const doc = {
    schemaVersion: report.schemaVersion,
    tool: { name: report.tool.name, version: report.tool.version },
    root: report.root,
    items: report.items.map(itemJson),
    findings: report.findings.map(findingJson),
    stats: {
      filesScanned: report.stats.filesScanned,
      filesWithoutAsync: report.stats.filesWithoutAsync,
      filesWithParseErrors: [...report.stats.filesWithParseErrors],
      skipped: report.stats.skipped.map((s) => ({ file: s.file, reason: s.reason })),
      findingsInTests: report.stats.findingsInTests ?? 0,
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function itemJson(i: AsyncItem) {
  return {
    kind: i.kind,
    name: i.name,
    file: i.file,
    line: i.line,
    column: i.column,
    endLine: i.endLine,
    endColumn: i.endColumn,
    byteStart: i.byteStart,
    byteEnd: i.byteEnd,
    awaits: i.awaits,
    // optional keys are written as null rather than left out, so every item has the same keys
    fnName: i.fnName ?? null,
    placement: i.placement ?? null,
    isPublic: i.isPublic ?? null,
    parent: i.parent ?? null,
    rustcStart: { line: i.rustcStart.line, column: i.rustcStart.column },
    awaitSites: i.awaitSites.map((s) => ({
      line: s.line,
      column: s.column,
      byteStart: s.byteStart,
      inMacro: s.inMacro,
    })),
  };
}

export function findingJson(f: Finding) {
  return {
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    byteStart: f.byteStart,
    byteEnd: f.byteEnd,
    message: f.message,
    help: f.help,
    item: f.item ?? null,
    fix: f.fix
      ? {
          description: f.fix.description,
          applicability: f.fix.applicability,
          caveat: f.fix.caveat ?? null,
          edits: f.fix.edits.map((e) => ({ file: e.file, start: e.start, end: e.end, text: e.text })),
        }
      : null,
    noFix: f.noFix ?? null,
  };
}
