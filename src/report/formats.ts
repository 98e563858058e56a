// The document formats shared by `scan` and `analyze`: besides each command's own human and JSON output,
// SARIF for code scanning, Markdown for pull-request comments and one self-contained HTML file.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnalysisReport, ScanReport } from '../model/report.ts';
import { RULES } from '../rules/index.ts';

export const SHARED_FORMATS = ['sarif', 'markdown', 'html'] as const;
export type SharedFormat = (typeof SHARED_FORMATS)[number];

export function isSharedFormat(f: string): f is SharedFormat {
  return (SHARED_FORMATS as readonly string[]).includes(f);
}

/** Each renderer is loaded when its format is asked for: a run that prints JSON compiles none of them. */
export async function renderShared(
  report: AnalysisReport | ScanReport,
  format: SharedFormat,
  opts: { top?: number; htmlLink?: string } = {},
): Promise<string> {
  const rules = RULES.map((r) => r.meta);
  switch (format) {
    case 'sarif':
      return (await import('./sarif.ts')).renderSarif(report, { rules });
    case 'markdown':
      return (await import('./markdown.ts')).renderMarkdown(report, {
        top: opts.top,
        htmlLink: opts.htmlLink,
      });
    case 'html':
      return (await import('./html/render.ts')).renderHtml(report, {
        rules,
        readSource: (file) => readSource(report.root, file),
      });
  }
}

/** A source file for the report's snippets; a file that is gone or unreadable just has no snippet. */
function readSource(root: string, file: string): string | undefined {
  try {
    return readFileSync(resolve(root, file), 'utf8');
  } catch {
    return undefined;
  }
}
