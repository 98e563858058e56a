import { UserError } from '../cli/errors.ts';
import type { AnalyzedItem } from '../model/report.ts';

export const SORT_KEYS = ['size', 'mir', 'states', 'name'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Selection {
  sort: SortKey;
  top?: number;
  filter?: string;
}

const by: Record<SortKey, (a: AnalyzedItem, b: AnalyzedItem) => number> = {
  size: (a, b) => (b.futureBytes ?? -1) - (a.futureBytes ?? -1),
  mir: (a, b) => (b.mirLines ?? -1) - (a.mirLines ?? -1),
  states: (a, b) => (b.states ?? -1) - (a.states ?? -1),
  name: () => 0,
};

/** Sorts (ties by name, so output is stable), filters by a name regex, and cuts to the top N. */
export function select(items: AnalyzedItem[], s: Selection): AnalyzedItem[] {
  let re: RegExp | undefined;
  if (s.filter !== undefined) {
    try {
      re = new RegExp(s.filter);
    } catch (e) {
      throw new UserError(`invalid --filter regex: ${(e as Error).message}`);
    }
  }
  const kept = re ? items.filter((i) => re.test(i.name)) : [...items];
  kept.sort((a, b) => by[s.sort](a, b) || a.name.localeCompare(b.name));
  return s.top === undefined ? kept : kept.slice(0, s.top);
}
