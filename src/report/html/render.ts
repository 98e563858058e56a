// `--format html`: one self-contained page (no network: strict CSP, inline style, inline script, data
// embedded as JSON). The page builds its DOM with textContent/setAttribute only, so names and source from
// the crate cannot inject markup.
import type { AnalysisReport, ScanReport } from '../../model/report.ts';
import type { RuleMeta } from '../../rules/index.ts';
import { clientScript } from './client-script.ts';
import { pack } from './pack.ts';
import { pageData } from './page-data.ts';
import { STYLE } from './style.ts';

export interface HtmlOptions {
  /** Text of a file relative to the report's root, or undefined when it cannot be read. */
  readSource(file: string): string | undefined;
  /** Rule metadata for descriptions in the summary. */
  rules?: readonly RuleMeta[];
}

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that is safe inside <script type="application/json">: `<`, `>` and `&` become \u escapes (so no
 * `</script>` or `<!--` can end or confuse the element) and so do U+2028/U+2029.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The bundled client script, made safe to sit inside <script>: it must not contain `</script` or `<!--`. */
function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function renderHtml(report: AnalysisReport | ScanReport, opts: HtmlOptions): string {
  const data = pageData(report, {
    readSource: opts.readSource,
    ruleDescriptions: new Map((opts.rules ?? []).map((r) => [r.id, r.description])),
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="asyncbloat ${escapeHtml(report.tool.version)}">
<title>asyncbloat — ${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="app"></main>
<noscript><p>This report draws its tables and charts with JavaScript; the data is in the asyncbloat-data element of this file.</p></noscript>
<script type="application/json" id="asyncbloat-data">${jsonForScript(pack(data))}</script>
<script>${inlineScript(clientScript())}</script>
</body>
</html>
`;
}
