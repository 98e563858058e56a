// Human output for scan, shaped like rustc/clippy diagnostics so it reads like the compiler:
//   warning[no-await]: `async fn value` never awaits
//    --> src/lib.rs:8:1
//     |
//   8 | pub async fn value() -> u32 {
//     | ^^^^^^^^^^^^^^^^^^^^^^^^^^^
//     |
//     = help: ...
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../model/finding.ts';
import type { ScanReport } from '../model/report.ts';
import type { Colors } from './colors.ts';
import { printable } from './text-table.ts';

export interface DiagnosticsOptions {
  colors: Colors;
  /** Source text of a report-relative file; by default read from disk under the report's root. */
  source?: (file: string) => string | undefined;
}

export function renderDiagnostics(report: ScanReport, opts: DiagnosticsOptions): string {
  const c = opts.colors;
  const texts = new Map<string, string[] | undefined>();
  const read =
    opts.source ??
    ((file: string) => {
      try {
        return readFileSync(join(report.root, file), 'utf8');
      } catch {
        return undefined;
      }
    });
  const linesOf = (file: string) => {
    if (!texts.has(file)) texts.set(file, read(file)?.split(/\r?\n/));
    return texts.get(file);
  };
  const blocks = report.findings.map((f) => renderFinding(f, linesOf(f.file), c));
  return [...blocks, summary(report, c)].join('\n');
}

function renderFinding(f: Finding, lines: string[] | undefined, c: Colors): string {
  const level =
    f.severity === 'error' ? c.bold(c.red(`error[${f.rule}]`)) : c.bold(c.yellow(`warning[${f.rule}]`));
  const mark = f.severity === 'error' ? c.red : c.yellow;
  const gutter = String(f.line).length;
  const pad = ' '.repeat(gutter);
  const bar = c.bold(c.blue('|'));
  const out = [
    `${level}${c.bold(`: ${f.message}`)}`,
    `${pad}${c.bold(c.blue('-->'))} ${printable(f.file)}:${f.line}:${f.column}`,
  ];
  const text = lines?.[f.line - 1];
  if (text !== undefined) {
    const shown = untab(text);
    const startCol = displayWidth(untab(text.slice(0, f.column - 1)));
    const endCol =
      f.endLine === f.line ? displayWidth(untab(text.slice(0, f.endColumn - 1))) : displayWidth(shown);
    const carets = '^'.repeat(Math.max(1, endCol - startCol));
    out.push(`${pad} ${bar}`);
    out.push(`${c.bold(c.blue(String(f.line)))} ${bar} ${shown}`);
    out.push(`${pad} ${bar} ${' '.repeat(startCol)}${mark(carets)}`);
    out.push(`${pad} ${bar}`);
  }
  out.push(`${pad} ${c.bold(c.blue('='))} ${c.bold('help')}: ${f.help}`);
  return `${out.join('\n')}\n`;
}

function summary(report: ScanReport, c: Colors): string {
  const n = report.findings.length;
  const files = report.stats.filesScanned;
  const scope = `${report.items.length} async ${report.items.length === 1 ? 'item' : 'items'} in ${files} ${files === 1 ? 'file' : 'files'}`;
  if (n === 0) return `${c.bold(c.green('ok'))}: no findings (${scope})\n`;
  const perRule = new Map<string, number>();
  for (const f of report.findings) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const counts = [...perRule].map(([rule, k]) => `${rule}: ${k}`).join(', ');
  const label = errors > 0 ? c.bold(c.red('error')) : c.bold(c.yellow('warning'));
  const what =
    errors > 0 ? `${n} findings, ${errors} at error level` : `${n} ${n === 1 ? 'finding' : 'findings'}`;
  return `${label}${c.bold(`: ${what}`)} (${counts}) in ${scope}\n`;
}

/** One `warning:` line per file that was skipped or only partly parsed, for stderr. */
export function renderFileWarnings(report: ScanReport, c: Colors): string {
  const label = c.bold(c.yellow('warning'));
  const lines = [
    ...report.stats.skipped.map((s) => `${label}${c.bold(`: skipped ${printable(s.file)}: ${s.reason}`)}`),
    ...report.stats.filesWithParseErrors.map(
      (f) => `${label}${c.bold(`: ${f} has syntax errors; its results are partial (tree-sitter recovered)`)}`,
    ),
  ];
  const inTests = report.stats.findingsInTests ?? 0;
  if (inTests > 0)
    lines.push(
      `${c.bold(c.cyan('note'))}${c.bold(`: ${inTests} finding${inTests === 1 ? '' : 's'} in test code not shown (tests/, benches/, #[cfg(test)], #[test] fns); --tests shows them`)}`,
    );
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function untab(s: string): string {
  return s.replace(/\t/g, '    ');
}

/** Terminal columns: code points, with East Asian wide characters counting two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    w +=
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x1f300 && cp <= 0x1faff) ||
      (cp >= 0x20000 && cp <= 0x3fffd)
        ? 2
        : 1;
  }
  return w;
}
