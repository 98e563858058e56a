// The module path of each file of a crate as rustc assigns it: by following `mod name;` from the crate's
// roots, with `#[path]` (rustc_expand's module.rs; the Rust reference, "Modules > The path attribute"),
// rather than by where the file lies. `#[path = "platform/linux_impl.rs"] mod sys;` makes the items of that
// file `sys::..`, the names rustc prints in MIR and in -Zprint-type-sizes, which `analyze` joins by.
import { dirname, join } from 'node:path';
import { childPath } from '../../paths.ts';
import type { ModDeclaration } from './mod-declarations.ts';

export interface ModuleSources {
  /** The declarations of the file at an absolute path; undefined when it does not exist or cannot be read. */
  declarationsOf(file: string): readonly ModDeclaration[] | undefined;
  exists(file: string): boolean;
}

/** Where a module's own `mod x;` are looked up (rustc's `dir_path` and `DirOwnership`). */
interface Visit {
  file: string;
  /** The directory of the module's file: `#[path]` of its declarations is relative to it. */
  dir: string;
  /**
   * For a non-mod-rs file (`a/b.rs`, found by its name): `b`, the directory its submodules are in under
   * `dir`. Not for crate roots, `mod.rs` files and files named by `#[path]`, which rustc treats as mod-rs.
   */
  own?: string;
  modulePath: string;
  /** The files from the root to this one: `#[path]` can make a cycle, which rustc rejects. */
  chain: readonly string[];
}

/** Deeper than any real tree; bounds the work on a generated one. */
const MAX_DEPTH = 64;
/** One file reached under this many module paths (cfg arms naming it again and again) is enough. */
const MAX_PATHS_PER_FILE = 8;

/**
 * Module paths of the files reached from `roots` (absolute paths of crate root files, each ``), by absolute
 * path. A file reached under several paths (cfg arms: `#[cfg(unix)] mod imp;` and `#[cfg(windows)]
 * #[path = "imp_win.rs"] mod imp;` reach two files under one path, `#[path = "use_file.rs"] mod imp;` beside
 * `mod use_file;` one file under two) gets `preferred(file)` when that is among them (where it lies says
 * which arm the host builds as often as anything), else the first reached, breadth first.
 */
export function moduleMap(
  roots: readonly string[],
  sources: ModuleSources,
  preferred: (file: string) => string | undefined = () => undefined,
): Map<string, string> {
  const pathsOf = new Map<string, string[]>();
  const queue: Visit[] = roots.map((file) => ({ file, dir: dirname(file), modulePath: '', chain: [file] }));
  for (let k = 0; k < queue.length; k++) {
    const visit = queue[k]!;
    const declarations = sources.declarationsOf(visit.file);
    if (!declarations) continue;
    const paths = pathsOf.get(visit.file) ?? [];
    if (paths.includes(visit.modulePath) || paths.length >= MAX_PATHS_PER_FILE) continue;
    paths.push(visit.modulePath);
    pathsOf.set(visit.file, paths);
    if (visit.chain.length >= MAX_DEPTH) continue;
    for (const d of declarations) {
      for (const next of filesOf(d, visit, sources)) {
        if (!visit.chain.includes(next.file)) queue.push({ ...next, chain: [...visit.chain, next.file] });
      }
    }
  }
  const map = new Map<string, string>();
  for (const [file, paths] of pathsOf) {
    const p = preferred(file);
    map.set(file, p !== undefined && paths.includes(p) ? p : paths[0]!);
  }
  return map;
}

/** The files a declaration in `parent` can load, each with its own lookup directory. */
function filesOf(d: ModDeclaration, parent: Visit, sources: ModuleSources): Omit<Visit, 'chain'>[] {
  let dir = parent.dir;
  let own = parent.own;
  // Inline modules are directories: `mod a { mod b; }` in src/x.rs looks for src/x/a/b.rs; `#[path]` on
  // an inline module names that directory itself, relative to the file's.
  for (const inline of d.inline) {
    dir = inline.path !== undefined ? join(dir, inline.path) : join(own ? join(dir, own) : dir, inline.name);
    own = undefined;
  }
  const modulePath = [parent.modulePath, ...d.inline.map((i) => i.name), d.name].filter((s) => s).join('::');
  const named = (path: string): Omit<Visit, 'chain'> => {
    const file = join(dir, path);
    return { file, dir: dirname(file), modulePath };
  };
  // `#[path]` files are looked up relative to the directory of the declaring file, as if it were mod-rs.
  if (d.path !== undefined) return [named(d.path)];
  const found = d.cfgPaths.map(named);
  // Names are identifiers: appended, not joined (a crate's tree asks for thousands of these).
  const base = own ? childPath(dir, own) : dir;
  const byName = childPath(base, `${d.name}.rs`);
  const modRs = childPath(childPath(base, d.name), 'mod.rs');
  if (sources.exists(byName)) found.push({ file: byName, dir: base, own: d.name, modulePath });
  else if (sources.exists(modRs)) found.push({ file: modRs, dir: dirname(modRs), modulePath });
  return found;
}
