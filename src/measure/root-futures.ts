// Root futures: the futures no other analysed item awaits, which is what an executor, `block_on` or a spawn
// holds. Summing every item's future counts a nested future in each of its awaiters too, so memory figures
// sum roots only.
import type { AnalysisReport, AnalyzedItem } from '../model/report.ts';

/**
 * The report's items no other analysed item awaits, with a measured future: what an executor, `block_on` or
 * a spawn holds. An awaited child names its item without a crate: an item of that name in the awaiter's own
 * crate is meant when there is one, else every item of that name.
 */
export function rootItems(report: Pick<AnalysisReport, 'items'>): Set<AnalyzedItem> {
  const byName = new Map<string, AnalyzedItem[]>();
  for (const i of report.items) byName.set(i.name, [...(byName.get(i.name) ?? []), i]);
  const awaited = new Set<AnalyzedItem>();
  for (const awaiter of report.items) {
    for (const c of awaiter.children) {
      if (c.item === undefined) continue;
      const named = (byName.get(c.item) ?? []).filter((i) => i !== awaiter);
      const local = named.filter((i) => i.crate === awaiter.crate);
      for (const i of local.length > 0 ? local : named) awaited.add(i);
    }
  }
  return new Set(report.items.filter((i) => i.futureBytes !== null && !awaited.has(i)));
}

/** Bytes held by the root futures: the program's future memory; null when no item has a measured future. */
export function rootFutureBytes(report: AnalysisReport): number | null {
  const roots = [...rootItems(report)];
  return roots.length === 0 ? null : roots.reduce((n, i) => n + i.futureBytes!, 0);
}
