// What the analysis of one file needs from the other files of its crate, read in one pass over the crate's
// files when the first of its files with async code is analysed: the `macro_rules!` that await (a call of
// one in any file is an await, wherever it is defined), and the crate's module tree (a file's module path
// is decided by the `mod` that declares it, with `#[path]`, in another file).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { relativeSlashed } from '../paths.ts';
import { manifestTargetPaths } from '../readers/cargo-edition.ts';
import { awaitingMacroNames } from '../readers/rust-source/macro-rules.ts';
import { type ModDeclaration, modDeclarations } from '../readers/rust-source/mod-declarations.ts';
import { moduleMap } from '../readers/rust-source/module-map.ts';
import { isCrateRoot, modulePathOf } from '../readers/rust-source/module-path.ts';
import type { FileFacts, FileStamp } from './file-facts.ts';
import { DEFAULT_MAX_FILE_BYTES, SourceReader } from './read-source.ts';
import { crateDirOf, listRustFiles, type SourceFile } from './walk.ts';

export interface CrateSources {
  /** Names of the awaiting `macro_rules!` defined anywhere in the crate, sorted. */
  macros: string[];
  /** Module path of each file the crate's module tree reaches, by absolute path. */
  modulePaths: Map<string, string>;
}

/** The module path of a file: the crate's module tree's, else its place in the crate's layout. */
export function modulePathIn(sources: CrateSources | undefined, file: string, crateRelative: string): string {
  return sources?.modulePaths.get(file) ?? modulePathOf(crateRelative);
}

/**
 * The sources of each crate, from the crate's files under the scanned path (`files`), each read once, on
 * first request. Root files and `#[path]` targets outside the scanned path are read when the tree reaches
 * them.
 */
export function crateSourcesOf(
  files: readonly SourceFile[],
  limit = DEFAULT_MAX_FILE_BYTES,
  facts?: FileFacts,
): (crate: string) => CrateSources {
  const known = new Map<string, CrateSources>();
  // Its own buffer: the caller's reader holds the file being analysed.
  const reader = new SourceReader();
  let byCrate: Map<string, SourceFile[]> | undefined;
  /**
   * What the crate pass reads from a file: its awaiting macros and `mod` declarations (remembered by the
   * file's stat when `facts` are kept). Undefined when the file cannot be read.
   */
  const readFile = (file: string): { macros: string[]; declarations: ModDeclaration[] } | undefined => {
    let stat: FileStamp | undefined;
    if (facts) {
      try {
        stat = facts.stat(file);
      } catch {
        return undefined; // the main pass reports what it cannot read
      }
      const known = facts.get(file, stat)?.crate;
      if (known) return { macros: known.macros ?? [], declarations: known.declarations ?? [] };
    }
    let read: ReturnType<SourceReader['read']>;
    try {
      read = reader.read(file, limit);
    } catch {
      return undefined;
    }
    const bytes = 'bytes' in read ? read.bytes : undefined;
    const text =
      bytes && (bytes.includes('macro_rules') || bytes.includes('mod')) ? bytes.toString('utf8') : '';
    const crate = { macros: awaitingMacroNames(text), declarations: modDeclarations(text) };
    if (stat) {
      const { macros, declarations } = crate;
      facts?.set(file, stat, {
        crate: {
          ...(macros.length > 0 ? { macros } : {}),
          ...(declarations.length > 0 ? { declarations } : {}),
        },
      });
    }
    return crate;
  };
  return (crate) => {
    const hit = known.get(crate);
    if (hit) return hit;
    if (!byCrate) {
      byCrate = new Map();
      for (const f of files) {
        const c = crateDirOf(dirname(f.abs));
        if (!c) continue;
        const list = byCrate.get(c);
        if (list) list.push(f);
        else byCrate.set(c, [f]);
      }
    }
    const inCrate = (file: string) => relativeSlashed(crate, file);
    const macros = new Set<string>();
    const declarations = new Map<string, readonly ModDeclaration[]>();
    // The library and main binary first (a file reached twice keeps the first path), and even when the
    // scan is of a directory inside the crate.
    const roots = new Set(
      ['src/lib.rs', 'src/main.rs', ...manifestTargetPaths(crate)].map((r) => join(crate, r)),
    );
    for (const f of byCrate.get(crate) ?? []) {
      const read = readFile(f.abs);
      if (!read) continue;
      for (const n of read.macros) macros.add(n);
      declarations.set(f.abs, read.declarations);
      if (isCrateRoot(inCrate(f.abs))) roots.add(f.abs);
    }
    const modulePaths = moduleMap(
      [...roots],
      {
        declarationsOf(file) {
          let found = declarations.get(file);
          if (!found) {
            found = readFile(file)?.declarations;
            if (found) declarations.set(file, found);
          }
          return found;
        },
        exists: (file) => declarations.has(file) || existsSync(file),
      },
      (file) => modulePathOf(inCrate(file)),
    );
    const sources = { macros: [...macros].sort(), modulePaths };
    known.set(crate, sources);
    return sources;
  };
}

/** The sources of one crate, from all its files (for a single file's analysis: the editor's). */
export async function crateSources(crateDir: string): Promise<CrateSources> {
  return crateSourcesOf((await listRustFiles(crateDir)).files)(crateDir);
}
