// Which workspace member an item belongs to, so that `check` applies that member's configuration to it (the
// way cargo applies a member's own settings to that member). Pure: config-load.ts reads the files.
import type { BudgetConfig } from './config.ts';

export interface MemberConfig {
  /** Package name, as in its Cargo.toml. */
  package: string;
  /** Its directory relative to the workspace root, with `/`; '' for a package in the root itself. */
  dir: string;
  /** Crate names of its targets (`-` written `_`), as report items carry them in `crate`. */
  crates: string[];
  /** What `check MEMBER_DIR` would use: its own settings layered over the workspace's, or the workspace's. */
  config: BudgetConfig;
  /** It has settings of its own (`[package.metadata.asyncbloat]` or its own asyncbloat.toml). */
  own: boolean;
}

export interface ConfigScopes {
  forItem(item: { crate: string; file?: string }): BudgetConfig;
  forCrate(crate: string): BudgetConfig;
  /** Configuration that could not be applied as written (nothing is skipped silently). */
  notes: string[];
}

/**
 * The member an item belongs to: the one whose targets include the item's crate. Crate names are unique in a
 * workspace except in odd layouts (two packages with a bin of the same name); then the item's file decides:
 * the member whose directory holds it (the deepest one, for a member nested in another's directory). Items of
 * crates that are no member's (dependencies analysed with --deps) belong to none.
 */
export function memberOf(
  item: { crate: string; file?: string },
  members: MemberConfig[],
): MemberConfig | undefined | 'ambiguous' {
  const byCrate = members.filter((m) => m.crates.includes(item.crate));
  if (byCrate.length <= 1) return byCrate[0];
  const file = item.file;
  const holding = byCrate.filter(
    (m) =>
      file !== undefined &&
      (m.dir === ''
        ? !file.startsWith('../') && !file.startsWith('/') && !/^[A-Za-z]:/.test(file)
        : file.startsWith(`${m.dir}/`)),
  );
  if (holding.length === 0) return 'ambiguous';
  return holding.reduce((a, b) => (b.dir.length > a.dir.length ? b : a));
}

/**
 * The configuration for each item and crate: its member's when it belongs to one, else `fallback` (the
 * configuration of the PATH given to `check`).
 */
export function configScopes(
  fallback: BudgetConfig,
  members: MemberConfig[],
  items: { crate: string; file?: string }[],
): ConfigScopes {
  const notes: string[] = [];
  const used = new Set<MemberConfig>();
  const ambiguous = new Set<string>();
  const cache = new Map<{ crate: string; file?: string }, BudgetConfig>();
  const forItem = (item: { crate: string; file?: string }): BudgetConfig => {
    const hit = cache.get(item);
    if (hit) return hit;
    const m = memberOf(item, members);
    if (m === 'ambiguous') ambiguous.add(item.crate);
    else if (m) used.add(m);
    const config = m && m !== 'ambiguous' ? m.config : fallback;
    cache.set(item, config);
    return config;
  };
  for (const item of items) forItem(item);
  for (const crate of ambiguous) {
    const owners = members.filter((m) => m.crates.includes(crate)).map((m) => m.package);
    notes.push(
      `crate ${crate} is a target of several packages (${owners.join(', ')}) and some of its items are in none of their directories; those items were checked against the configuration of PATH, not a member's`,
    );
  }
  for (const m of members) {
    if (!m.own || used.has(m)) continue;
    notes.push(
      `package ${m.package} has its own configuration (${m.config.sources[0] ?? m.dir}) but no item of its crates (${m.crates.join(', ')}) is in the report (not built, or no async code); it was not applied`,
    );
  }
  const forCrate = (crate: string): BudgetConfig => {
    const owners = members.filter((m) => m.crates.includes(crate));
    if (owners.length === 1) return owners[0]!.config;
    // Several packages name a crate alike: take the member of one of its items.
    const item = items.find((i) => i.crate === crate);
    return item ? forItem(item) : fallback;
  };
  return { forItem, forCrate, notes };
}
