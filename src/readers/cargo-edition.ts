// The Rust edition of the crate a file belongs to, as cargo reads it: `package.edition`, or the workspace's
// `workspace.package.edition` with `edition.workspace = true`, and 2015 when none is set. Rewrites depend on
// it: from edition 2024 an `impl Trait` return type captures every lifetime in scope, so a wrapper over
// `&self` needs no `+ '_` and an impl's lifetimes no longer stop the rewrite. Also the names of its
// dependencies, for rewrites that use a crate (`futures::future::Either`) only where it is one. And the
// root files its manifest names, where its module tree starts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'smol-toml';

export type Edition = '2015' | '2018' | '2021' | '2024';

/** Cargo's default when a manifest sets no edition. */
const DEFAULT: Edition = '2015';
const known = new Map<string, Edition>();

/** Each manifest parsed once: the edition, the dependencies and the target paths are read from it. */
const manifests = new Map<string, Record<string, unknown> | undefined>();

function readToml(file: string): Record<string, unknown> | undefined {
  if (manifests.has(file)) return manifests.get(file);
  let doc: Record<string, unknown> | undefined;
  try {
    doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    doc = undefined;
  }
  manifests.set(file, doc);
  return doc;
}

function asEdition(v: unknown): Edition | undefined {
  return v === '2015' || v === '2018' || v === '2021' || v === '2024' ? v : undefined;
}

/** The edition of the package whose Cargo.toml is in `crateDir` (a file it cannot read: the default). */
export function editionOf(crateDir: string): Edition {
  const hit = known.get(crateDir);
  if (hit) return hit;
  const pkg = readToml(join(crateDir, 'Cargo.toml'))?.package as { edition?: unknown } | undefined;
  let edition = asEdition(pkg?.edition);
  if (!edition && typeof pkg?.edition === 'object' && (pkg.edition as { workspace?: unknown }).workspace) {
    // Inherited: the nearest manifest above with a [workspace] table.
    for (let d = dirname(crateDir); ; d = dirname(d)) {
      const ws = existsSync(join(d, 'Cargo.toml')) ? readToml(join(d, 'Cargo.toml'))?.workspace : undefined;
      if (ws) {
        edition = asEdition((ws as { package?: { edition?: unknown } }).package?.edition);
        break;
      }
      if (dirname(d) === d) break;
    }
  }
  const result = edition ?? DEFAULT;
  known.set(crateDir, result);
  return result;
}

const dependencies = new Map<string, string[]>();

/**
 * The names the crate's code uses for its dependencies: `[dependencies]` and every
 * `[target.'cfg(..)'.dependencies]` table, a renamed dependency (`fut = { package = "futures" }`) by its
 * new name, `-` as `_`. Dev- and build-dependencies are not visible to the crate's own code.
 */
export function dependencyNames(crateDir: string): string[] {
  const hit = dependencies.get(crateDir);
  if (hit) return hit;
  const doc = readToml(join(crateDir, 'Cargo.toml'));
  const tables: unknown[] = [doc?.dependencies];
  const targets = doc?.target;
  if (targets && typeof targets === 'object')
    for (const t of Object.values(targets)) tables.push((t as { dependencies?: unknown }).dependencies);
  const names = new Set<string>();
  for (const t of tables)
    if (t && typeof t === 'object') for (const k of Object.keys(t)) names.add(k.replaceAll('-', '_'));
  const result = [...names].sort();
  dependencies.set(crateDir, result);
  return result;
}

const targetRoots = new Map<string, string[]>();

/**
 * The `path` of the manifest's `[lib]`, `[[bin]]`, `[[example]]`, `[[test]]` and `[[bench]]` tables,
 * relative to the crate directory: crate roots cargo does not find by their place (`[lib] path = "lib.rs"`).
 */
export function manifestTargetPaths(crateDir: string): string[] {
  const hit = targetRoots.get(crateDir);
  if (hit) return hit;
  const doc = readToml(join(crateDir, 'Cargo.toml'));
  const paths: string[] = [];
  for (const key of ['lib', 'bin', 'example', 'test', 'bench']) {
    const v = doc?.[key];
    for (const t of Array.isArray(v) ? v : [v]) {
      const path = (t as { path?: unknown } | undefined)?.path;
      if (typeof path === 'string') paths.push(path.replaceAll('\\', '/').replace(/^\.\//, ''));
    }
  }
  targetRoots.set(crateDir, paths);
  return paths;
}

/** From 2024, `impl Trait` in return position captures all lifetimes in scope (RFC 3498). */
export function capturesAllLifetimes(edition: Edition): boolean {
  return edition === '2024';
}
