// `--format sarif`: a SARIF 2.1.0 log for GitHub code scanning. One run, the rules with help text and a help
// URI into the README, one result per finding located relative to %SRCROOT% (columns in UTF-16 code units,
// which is what Finding columns are), with the rule's fix as a SARIF fix when there is one. A maybe-incorrect
// fix says so in its description and in its property bag (`applicability`, as in the JSON report).
import { createHash } from 'node:crypto';
import type { Fix, Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from '../model/finding.ts';
import type { AnalysisReport, ScanReport } from '../model/report.ts';
import type { RuleMeta } from '../rules/index.ts';
import { boxDescriptor, boxResults } from './sarif-box.ts';
import { stackDescriptor, stackResults } from './sarif-stack.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/asyncbloat/asyncbloat';

export function ruleHelpUri(id: string): string {
  return `${INFORMATION_URI}#rule-${id}`;
}

export function reportFindings(report: AnalysisReport | ScanReport): Finding[] {
  return 'build' in report ? report.items.flatMap((i) => i.findings) : report.findings;
}

/** Relative path as a URI reference: each segment percent-encoded, forward slashes kept. */
/**
 * A report path (always `/`-separated) as a relative URI: each segment percent-encoded (RFC 3986), so
 * `src/a\\b.rs`, a legal name on Unix, stays apart from `src/a/b.rs`.
 */
export function fileUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** SARIF's friendly rule name is a Pascal-case identifier: `large-future` → `LargeFuture`. */
function pascalName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function descriptor(id: string, meta: RuleMeta | undefined): ReportingDescriptor {
  const helpUri = ruleHelpUri(id);
  if (!meta) {
    // A finding whose rule has no metadata still gets a descriptor: GitHub shows results only for known rules.
    return {
      id,
      name: pascalName(id),
      shortDescription: { text: id },
      fullDescription: { text: `asyncbloat rule ${id}.` },
      helpUri,
      help: { text: `See ${helpUri}`, markdown: `See [the rule's documentation](${helpUri}).` },
    };
  }
  const docs = meta.docs || meta.description;
  return {
    id,
    name: pascalName(id),
    shortDescription: { text: meta.description },
    fullDescription: { text: docs },
    help: { text: `${docs}\n\nMore: ${helpUri}`, markdown: `${docs}\n\n[More about \`${id}\`](${helpUri})` },
    helpUri,
    defaultConfiguration: { level: meta.defaultLevel },
    properties: { fixable: meta.fixable, tags: ['performance', 'async'] },
  };
}

function fix(f: Finding): Fix[] | undefined {
  if (!f.fix || f.fix.edits.length === 0) return undefined;
  const files = [...new Set(f.fix.edits.map((e) => e.file))];
  const safe = f.fix.applicability === 'machine-applicable';
  const note = safe ? f.fix.caveat : `maybe incorrect: ${f.fix.caveat ?? 'it may change behaviour'}`;
  return [
    {
      description: { text: note ? `${f.fix.description} (${note})` : f.fix.description },
      properties: { applicability: f.fix.applicability },
      artifactChanges: files.map((file) => ({
        artifactLocation: { uri: fileUri(file), uriBaseId: '%SRCROOT%' },
        replacements: f
          .fix!.edits.filter((e) => e.file === file)
          .map((e) => ({
            deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
            insertedContent: { text: e.text },
          })),
      })),
    },
  ];
}

/** Stable across line shifts: rule, file, item and message, plus an ordinal for identical findings. */
function fingerprint(f: Finding, seen: Map<string, number>): string {
  const key = [f.rule, f.file, f.item ?? '', f.message].join('\u0000');
  const n = seen.get(key) ?? 0;
  seen.set(key, n + 1);
  return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}:${n}`;
}

export function sarifLog(
  report: AnalysisReport | ScanReport,
  opts: { rules?: readonly RuleMeta[] } = {},
): Log {
  const findings = reportFindings(report);
  const meta = new Map((opts.rules ?? []).map((r) => [r.id, r]));
  const ids = [...new Set([...meta.keys(), ...findings.map((f) => f.rule)])];
  const rules = ids.map((id) => descriptor(id, meta.get(id)));
  const index = new Map(ids.map((id, k) => [id, k]));
  const seen = new Map<string, number>();
  const results = findings.map((f): Result => {
    const r: Result = {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule)!,
      level: f.severity,
      message: { text: f.help ? `${f.message}\nhelp: ${f.help}` : f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: fileUri(f.file), uriBaseId: '%SRCROOT%' },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        },
      ],
      partialFingerprints: { 'asyncbloat/v1': fingerprint(f, seen) },
    };
    const fixes = fix(f);
    if (fixes) r.fixes = fixes;
    return r;
  });
  if ('build' in report) {
    const frames = stackResults(report, rules.length, fileUri);
    if (frames.length > 0) {
      rules.push(stackDescriptor(`${INFORMATION_URI}#stack-bytes-per-poll`));
      results.push(...frames);
    }
    const boxes = boxResults(report, rules.length, fileUri);
    if (boxes.length > 0) {
      rules.push(boxDescriptor(`${INFORMATION_URI}#where-to-boxpin`));
      results.push(...boxes);
    }
  }
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: {
          driver: {
            name: 'asyncbloat',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function renderSarif(
  report: AnalysisReport | ScanReport,
  opts: { rules?: readonly RuleMeta[] } = {},
): string {
  return `${JSON.stringify(sarifLog(report, opts), null, 2)}\n`;
}
