// A static report page (compare, survey): the reports' style and CSP, no script; `body` is HTML the caller
// built with escapeHtml for every piece of text from the crate.
import { CSP, escapeHtml } from './render.ts';
import { STYLE } from './style.ts';

export function staticPage(title: string, body: string, extraStyle = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}${extraStyle}</style>
</head>
<body><main id="app">
${body}
</main></body></html>
`;
}
