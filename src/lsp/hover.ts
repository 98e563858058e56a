// What a hover on an async item shows: rustc's layout of its future (size, alignment, states, awaits), what
// is held across each await, arguments stored twice, machine code, stack per poll, box advice and the
// findings with their fix, from the last analysis. A file changed since says so first.
import type { Finding } from '../model/finding.ts';
import type { AnalyzedItem } from '../model/report.ts';
import { boxAdviceLine } from '../report/box-text.ts';
import { stackSummary } from '../report/stack-text.ts';
import { formatBytes } from '../report/text-table.ts';

const code = (s: string) => `\`${s.replaceAll('`', "'")}\``;

export const STALE_NOTE =
  '_As of the last build: the file changed since. Run `asyncbloat.analyze` to update._';

export function hoverMarkdown(item: AnalyzedItem, findings: Finding[], stale: boolean): string {
  const out: string[] = [];
  if (stale) out.push(STALE_NOTE, '');
  const layout = item.layouts.reduce<(typeof item.layouts)[number] | undefined>(
    (a, l) => (!a || l.bytes > a.bytes ? l : a),
    undefined,
  );
  const align = layout ? `, align ${layout.alignment}` : '';
  out.push(
    `**${code(item.name)}**: future ${formatBytes(item.futureBytes)}${align} · ${item.states ?? '?'} states · ${item.suspendPoints ?? item.awaits ?? '?'} awaits`,
  );
  const held = item.heldAcrossAwait.filter((h) => h.bytes > 0);
  if (held.length > 0) {
    out.push('', 'Held across each await:');
    for (const h of held.slice(0, 8)) {
      const fields = h.fields
        .filter((f) => f.kind !== 'padding')
        .slice(0, 3)
        .map((f) => `${code(f.name)} ${formatBytes(f.bytes)}`)
        .join(', ');
      out.push(`- ${h.line ? `line ${h.line}` : h.state}: ${formatBytes(h.bytes)} (${fields})`);
    }
  }
  if (item.duplicatedArgs.length > 0)
    out.push(
      '',
      `Arguments stored twice (rust#62958): ${item.duplicatedArgs.map((d) => `${code(d.name)} ${formatBytes(d.bytes)}`).join(', ')}`,
    );
  if (item.code)
    out.push(
      '',
      `Machine code: ${formatBytes(item.code.codeBytes)}${item.code.inlined ? ' (poll fn inlined)' : ''}`,
    );
  if (item.stack) out.push(`Stack per poll: ${stackSummary(item.stack)}`);
  const box = boxAdviceLine(item);
  if (box) out.push('', `Box advice (estimated): ${box.slice(item.name.length + 2)}`);
  for (const f of findings) {
    out.push('', `${f.severity}[${f.rule}]: ${f.message}`);
    if (f.fix)
      out.push(
        `- fix: ${f.fix.description}${f.fix.applicability === 'maybe-incorrect' ? ' (maybe incorrect)' : ''}`,
      );
  }
  return out.join('\n');
}

/** The inlay hint at an item: `2,064 B · 4 states`. */
export function hintLabel(item: AnalyzedItem): string {
  return `${formatBytes(item.futureBytes)} · ${item.states ?? '?'} states`;
}
