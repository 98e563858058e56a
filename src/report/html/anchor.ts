// Deep links into the HTML report: `report.html#item=crate::path` opens that item. Shared by the page script
// (which reads and keeps the hash) and the Markdown report (which links its items there). Pure: no DOM.

export interface AnchorItem {
  name: string;
  /** Absent or null for a scan's items, which have no crate yet. */
  crate?: string | null;
  line?: number | null;
}

/** The readable part of an item's link; `@LINE` is added only where two items would share it. */
function baseAnchor(i: AnchorItem): string {
  return i.crate ? `${i.crate}::${i.name}` : i.name;
}

/** One fragment per item (without `#`), in the items' order, unique within the report. */
export function itemFragments(items: AnchorItem[]): string[] {
  const seen = new Map<string, number>();
  for (const i of items) seen.set(baseAnchor(i), (seen.get(baseAnchor(i)) ?? 0) + 1);
  return items.map((i) => {
    const base = baseAnchor(i);
    const unique = seen.get(base) === 1 || i.line == null ? base : `${base}@${i.line}`;
    return `item=${encodeFragment(unique)}`;
  });
}

/**
 * The item a fragment names: exact first, then (for a hand-written link) `crate::name` without the `@LINE`, or
 * the name without its crate, when only one item answers to it. Null when none or several do.
 */
export function itemOfFragment(items: AnchorItem[], fragment: string): number | null {
  const raw = fragment.replace(/^#/, '');
  if (!raw.startsWith('item=')) return null;
  let wanted: string;
  try {
    wanted = decodeURIComponent(raw.slice('item='.length));
  } catch {
    return null;
  }
  const fragments = itemFragments(items).map((f) => decodeURIComponent(f.slice('item='.length)));
  const exact = fragments.indexOf(wanted);
  if (exact >= 0) return exact;
  const loose = items.flatMap((i, k) => (baseAnchor(i) === wanted || i.name === wanted ? [k] : []));
  return loose.length === 1 ? loose[0]! : null;
}

/** Percent-encodes what a URL fragment cannot hold, keeping `::`, `<`-free paths readable. */
function encodeFragment(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@');
}
