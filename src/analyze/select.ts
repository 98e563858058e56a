import { editDistance } from '../did-you-mean.ts';
import { UserError } from '../errors.ts';
import type { AnalysisReport, AnalyzedItem } from '../model/report.ts';
import { compareText } from '../text-order.ts';

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
  kept.sort((a, b) => by[s.sort](a, b) || compareText(a.name, b.name));
  return s.top === undefined ? kept : kept.slice(0, s.top);
}

/**
 * The names an item answers to in `--explain`: its path, the same with its crate (`svc::store::get`, as
 * budget globs take it), and for a trait impl's method each side of `<Type as Trait>::m` (`Mem::get`,
 * `Backend::get`).
 */
function namesOf(item: { name: string; crate: string }): string[] {
  const names = [item.name, `${item.crate}::${item.name}`];
  const impl = /^(.*?)<(.+) as (.+)>::(.+)$/.exec(item.name);
  if (impl) {
    const [, prefix, type, trait, rest] = impl as unknown as string[];
    for (const side of [type!, trait!]) names.push(`${prefix}${side}::${rest}`, `${side}::${rest}`);
  }
  return names;
}

/** The item `--explain NAME` means: an exact name first, then a unique partial one; else what is near. */
export function findItem<T extends { name: string; crate: string }>(items: T[], query: string): T {
  // As typed: trimmed, a package name's `-` as rustc's `_`, rustc's fully qualified
  // `<krate::Type as krate::Trait>::m` without the crate inside the brackets.
  const name = query
    .trim()
    .replace(/^[\w-]+(?=::)/, (c) => c.replace(/-/g, '_'))
    .replace(/(?<=[<\s])[A-Za-z_]\w*::(?=[A-Z])/g, '');
  const exact = items.filter((i) => namesOf(i).includes(name));
  // The same item twice (its lib and bin targets, say) is one answer; other items or crates are not.
  const same = (i: T) => i.name === exact[0]!.name && i.crate === exact[0]!.crate;
  if (exact.length >= 1 && exact.every(same)) return exact[0]!;
  const partial =
    exact.length > 1
      ? exact
      : items.filter((i) => namesOf(i).some((n) => n.endsWith(`::${name}`) || n.includes(name)));
  if (partial.length === 1) return partial[0]!;
  if (partial.length > 1) {
    throw new UserError(
      `'${name}' matches ${partial.length} async items`,
      `be more specific: ${partial
        .slice(0, 5)
        .map((i) => `${i.crate}::${i.name}`)
        .join(', ')}`,
    );
  }
  const last = (s: string) => s.slice(s.lastIndexOf('::') + 1).replace(/^:/, '');
  const near = [...items]
    .map((i) => ({ i, d: editDistance(last(name), last(i.name)) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(last(name).length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ i }) => i.name);
  throw new UserError(
    `no async item named '${name}'`,
    near.length > 0
      ? `did you mean ${near.map((n) => `'${n}'`).join(', ')}?`
      : 'run `asyncbloat analyze` to list the items',
  );
}

/** `--linked`: the items with code in the artifact; the others are counted in a warning, not dropped silently. */
export function onlyLinked(report: AnalysisReport): AnalysisReport {
  if (report.build.artifact === undefined) {
    return {
      ...report,
      warnings: [
        ...report.warnings,
        '--linked: this build links no artifact, so no item has code; all are shown',
      ],
    };
  }
  const items = report.items.filter((i) => (i.code?.codeBytes ?? 0) > 0);
  const hidden = report.items.length - items.length;
  if (hidden === 0) return report;
  return {
    ...report,
    items,
    warnings: [
      ...report.warnings,
      `--linked: ${hidden} item${hidden === 1 ? '' : 's'} with no code in ${report.build.artifact} hidden (never used by the binary, or all inlined)`,
    ],
  };
}
