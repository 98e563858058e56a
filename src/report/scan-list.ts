// `asyncbloat scan --list`: the source inventory as a table, one row per async item, before any build.

import type { ScanReport } from '../model/report.ts';
import { compareText } from '../text-order.ts';
import type { Colors } from './colors.ts';
import { printable, textTable } from './text-table.ts';

export function renderScanList(report: ScanReport, c: Colors, width?: number): string {
  const findingsOf = new Map<string, number>();
  for (const f of report.findings) {
    const key = `${f.file}\0${f.item ?? ''}`;
    findingsOf.set(key, (findingsOf.get(key) ?? 0) + 1);
  }
  const items = [...report.items].sort(
    (a, b) => compareText(a.file, b.file) || a.line - b.line || a.column - b.column,
  );
  const rows = items.map((i) => {
    const n = findingsOf.get(`${i.file}\0${i.name}`) ?? 0;
    return [
      String(i.awaits),
      n > 0 ? c.yellow(String(n)) : '0',
      i.kind,
      c.bold(i.name),
      c.dim(`${printable(i.file)}:${i.line}:${i.column}`),
    ];
  });
  const table = textTable(
    ['awaits', 'findings', 'kind', 'item', 'location'],
    rows,
    ['right', 'right', 'left', 'left', 'left'],
    width,
  );
  const files = new Set(items.map((i) => i.file)).size;
  const scanned = report.stats.filesScanned;
  return `${table}\n${items.length} async item${items.length === 1 ? '' : 's'} in ${files} of ${scanned} file${scanned === 1 ? '' : 's'} scanned; \`asyncbloat analyze\` adds sizes, states and machine code\n`;
}
