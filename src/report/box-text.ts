// Box advice in text: one line per advised future under the analyze table, the detail in `--explain`,
// Markdown and the HTML report. The numbers are estimates from the layout (measure/box-advice.ts); every
// output says so once.
import { frameOutgrowsFuture } from '../measure/stack-use.ts';
import type { AnalyzedItem, BoxAdvice, BoxSite } from '../model/report.ts';
import { formatBytes } from './text-table.ts';

export const BOX_ESTIMATE_NOTE =
  'box advice is estimated from the layout (a boxed awaitee becomes a pointer); rustc may re-pack the states: `savings --box` measures it';

function where(b: BoxSite): string {
  if (b.file === undefined || b.line === undefined) return b.state;
  return `${b.file}:${b.line}${b.column !== undefined ? `:${b.column}` : ''}`;
}

function rootsText(a: BoxAdvice, self: string): string {
  const others = a.roots.filter((r) => r.item !== self);
  if (others.length === 0) return '';
  return `; root ${others.map((r) => `${r.item} ${formatBytes(r.beforeBytes)} → ${formatBytes(r.afterBytes)}`).join(', ')}`;
}

/** One line for the item: what to box and the size before → after, or why boxing cannot help. */
export function boxAdviceLine(item: AnalyzedItem): string | undefined {
  const a = item.boxAdvice;
  if (!a) return undefined;
  if (a.boxes.length === 0) {
    const f = a.floor;
    return f
      ? `${item.name}: boxing an await does not help: ${f.kind} \`${f.field}\` (${formatBytes(f.bytes)}) is held across the await${f.line ? ` at line ${f.line}` : ''}; move it to the heap or out of the future`
      : `${item.name}: no await to box`;
  }
  const boxes = a.boxes.map((b) => `\`${b.callee}\` at ${where(b)}`).join(', ');
  const floor = a.reachesThreshold
    ? ''
    : ` (its floor: ${a.floor ? `${a.floor.kind} \`${a.floor.field}\`, ${formatBytes(a.floor.bytes)}` : 'no await left to box'})`;
  // A boxed awaitee is no longer built on the stack and moved into the state: the poll frame shrinks too.
  const frame =
    item.stack && frameOutgrowsFuture(item.stack)
      ? `; its ${formatBytes(item.stack.pollFrameBytes)} poll frame shrinks too`
      : '';
  return `${item.name}: Box::pin ${boxes}: ${formatBytes(a.beforeBytes)} → ${formatBytes(a.afterBytes)}${floor}${rootsText(a, item.name)}${frame}`;
}

/** `--explain`'s box advice: every box with its awaitee and the size after it. */
export function boxExplainLines(item: AnalyzedItem): string[] {
  const a = item.boxAdvice;
  if (!a) return [];
  const out = [`  box advice (over ${formatBytes(a.thresholdBytes)}; estimated from the layout):`];
  if (a.boxes.length === 0) out.push(`    ${boxAdviceLine(item)!.slice(item.name.length + 2)}`);
  for (const b of a.boxes)
    out.push(
      `    Box::pin the await of ${b.callee} (${formatBytes(b.awaiteeBytes)}) at ${where(b)}: ${formatBytes(b.beforeBytes)} → ${formatBytes(b.afterBytes)}`,
    );
  for (const r of a.roots.filter((x) => x.item !== item.name))
    out.push(`    root future ${r.item}: ${formatBytes(r.beforeBytes)} → ${formatBytes(r.afterBytes)}`);
  if (a.boxes.length > 0 && !a.reachesThreshold && a.floor)
    out.push(
      `    floor: ${a.floor.kind} \`${a.floor.field}\` (${formatBytes(a.floor.bytes)}) in ${a.floor.state}: boxing cannot shrink it`,
    );
  return out;
}
