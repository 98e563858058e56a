// Globs over item paths (`radio::*`), used by [[budget]] and [[ignore]] entries.
import { editDistance } from '../did-you-mean.ts';
import { compareText } from '../text-order.ts';

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '(?:(?!::).)*';
    else if (c === '?') re += '[^:]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Item globs: `*` matches within one path segment (not across `::`), `**` across segments, `?` one character.
 * A glob is matched against the item path (`radio::Radio::send`) and against it prefixed with its crate
 * (`app::radio::Radio::send`), so both `radio::*` and `app::**` work.
 */
export function itemMatches(glob: string, item: { crate: string; name: string }): boolean {
  const re = globToRegExp(glob);
  return re.test(item.name) || re.test(`${item.crate}::${item.name}`);
}

const WILDCARD = /[*?]/;

/**
 * A glob close to `glob` that matches at least one of `items`, for a "did you mean" on a glob that matches
 * none: `radio::*` when the items are deeper (`radio::Radio::send`) becomes `radio::**`; otherwise one literal
 * segment is replaced by the closest segment of an item path (`storage::*` → `store::*`), the first segment
 * first. Undefined when nothing is close enough to be a plausible typo.
 */
export function suggestGlob(
  glob: string,
  items: readonly { crate: string; name: string }[],
): string | undefined {
  const matchesAny = (g: string) => {
    const re = globToRegExp(g);
    return items.some((i) => re.test(i.name) || re.test(`${i.crate}::${i.name}`));
  };
  const deeper = glob.replace(/(?<!\*)\*(?!\*)/g, '**');
  if (deeper !== glob && matchesAny(deeper)) return deeper;
  const words = new Set<string>();
  for (const i of items) {
    words.add(i.crate);
    for (const w of i.name.split('::')) words.add(w);
  }
  const segments = glob.split('::');
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k]!;
    if (WILDCARD.test(seg) || words.has(seg)) continue;
    // Closest first; only words didYouMean would accept, and only if the glob then matches an item.
    // At most one edit in a word of three letters or fewer, where two would turn `io` into `db`.
    const limit = seg.length <= 3 ? 1 : Math.max(2, Math.floor(seg.length / 3));
    const near = [...words]
      .map((w) => ({ w, d: editDistance(seg.toLowerCase(), w.toLowerCase()) }))
      .filter(
        (x) =>
          x.d <= limit ||
          (Math.min(seg.length, x.w.length) >= 3 && (x.w.startsWith(seg) || seg.startsWith(x.w))),
      )
      .sort((a, b) => a.d - b.d || compareText(a.w, b.w));
    for (const { w } of near) {
      const candidate = [...segments.slice(0, k), w, ...segments.slice(k + 1)].join('::');
      if (matchesAny(candidate)) return candidate;
    }
  }
  return undefined;
}
