// Which files a scan reads: every `.rs` file under the path, minus what git would ignore and `target/`.
// Symlinks are followed once, as cargo follows them: a link to a directory already on the way down (a loop)
// or already walked through another path is not walked again. Every path not read is listed with its
// reason (a dangling link, an unreadable directory, a loop), never dropped without a word.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { errorText, UserError } from '../errors.ts';
import type { SkippedFile } from '../model/report.ts';
import { childPath, relativeSlashed } from '../paths.ts';

export interface SourceFile {
  abs: string;
  /** Relative to the scan root, forward slashes. */
  rel: string;
}

export interface Walk {
  /** Absolute directory every `rel` is relative to (the file's directory when a single file is scanned). */
  root: string;
  files: SourceFile[];
  /** Paths under the root that were not read, with why (relative, forward slashes). */
  skipped: SkippedFile[];
}

/** Directories never walked: build output, VCS data, JS dependencies. */
const PRUNED = new Set(['target', '.git', 'node_modules']);

/** Every `.rs` and `.gitignore` under `root`, following symlinks once; what could not be walked is listed. */
function walkTree(root: string): { found: string[]; skipped: SkippedFile[] } {
  const found: string[] = [];
  const skipped: SkippedFile[] = [];
  const walked = new Set<string>();
  type Dir = { dir: string; rel: string; real: string; ancestors: Set<string> };
  const stack: Dir[] = [];
  const rootReal = realpathSync(root);
  walked.add(rootReal);
  stack.push({ dir: root, rel: '', real: rootReal, ancestors: new Set([rootReal]) });
  while (stack.length > 0) {
    const { dir, rel, real: dirReal, ancestors } = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({
        file: rel || '.',
        reason: `cannot read the directory: ${errorText(e)}`,
      });
      continue;
    }
    // Sorted, and pushed so they pop in order: which path a linked directory is walked under is then the
    // first in sorted depth-first order, the same on every file system.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: Dir[] = [];
    for (const e of entries) {
      const path = childPath(dir, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        let st: ReturnType<typeof statSync>;
        try {
          st = statSync(path);
        } catch (err) {
          if (e.name.endsWith('.rs') || !e.name.includes('.'))
            skipped.push({
              file: childRel,
              reason: `a dangling symbolic link (${(err as NodeJS.ErrnoException).code ?? 'unreadable target'})`,
            });
          continue;
        }
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isDir) {
        if (PRUNED.has(e.name)) continue;
        // Only a link needs resolving: a plain directory's real path is its parent's plus its name.
        let real: string;
        try {
          real = e.isSymbolicLink() ? realpathSync(path) : childPath(dirReal, e.name);
        } catch (err) {
          skipped.push({
            file: childRel,
            reason: `cannot resolve: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
          });
          continue;
        }
        if (ancestors.has(real)) {
          skipped.push({ file: childRel, reason: 'a symbolic link loop (links to a directory above it)' });
          continue;
        }
        // The same directory through two links is one set of files: scanned once, under its first path.
        if (walked.has(real)) continue;
        walked.add(real);
        subdirs.push({ dir: path, rel: childRel, real, ancestors: new Set([...ancestors, real]) });
      } else if (isFile && (e.name.endsWith('.rs') || e.name === '.gitignore')) {
        found.push(childRel);
      } else if (!isFile && e.name.endsWith('.rs')) {
        // A FIFO, socket or device named like a source file: reading it could block forever.
        skipped.push({ file: childRel, reason: 'not a regular file (a FIFO, socket or device)' });
      }
    }
    stack.push(...subdirs.reverse());
  }
  return { found, skipped };
}

export async function listRustFiles(path: string): Promise<Walk> {
  const abs = resolve(path);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `path '${path}' does not exist` : `cannot read '${path}': ${(e as Error).message}`,
      'pass a Rust file, a crate directory or a workspace root',
    );
  }
  if (st.isFile()) {
    const root = dirname(abs);
    return { root, files: [{ abs, rel: relativeSlashed(root, abs) }], skipped: [] };
  }
  if (!st.isDirectory()) throw new UserError(`'${path}' is neither a file nor a directory`);

  const { found, skipped } = walkTree(abs);
  const rules = gitignores(
    abs,
    found.filter((f) => f === '.gitignore' || f.endsWith('/.gitignore')),
  );
  const files = found
    .filter((f) => f.endsWith('.rs') && !rules.ignores(f))
    .sort()
    .map((rel) => ({ abs: childPath(abs, sep === '/' ? rel : rel.replaceAll('/', sep)), rel }));
  return { root: abs, files, skipped: skipped.filter((k) => !rules.ignores(k.file)) };
}

interface IgnoreSet {
  ignores(rel: string): boolean;
}

/**
 * .gitignore files inside the root, plus those between the root and its git repository's top. A path is
 * ignored when any of them ignores it (relative to its directory). Each file asks only the .gitignores of
 * its own ancestors, looked up by directory: asking every one was most of a warm scan's walk.
 */
function gitignores(root: string, inside: string[]): IgnoreSet {
  /** The .gitignores inside the root, by their directory relative to it ('' for the root's own). */
  const byDir = new Map<string, Ignore[]>();
  /** Those above the root, with the root's path relative to each. */
  const above: { prefix: string; ig: Ignore }[] = [];
  const load = (file: string): Ignore | undefined => {
    try {
      return ignore().add(readFileSync(file, 'utf8'));
    } catch {
      return undefined; // an unreadable .gitignore ignores nothing
    }
  };
  const parents: string[] = [];
  for (let d = dirname(root); ; d = dirname(d)) {
    parents.push(d);
    if (existsSync(join(d, '.git')) || dirname(d) === d) break;
  }
  if (existsSync(join(root, '.git')) || existsSync(join(parents.at(-1)!, '.git'))) {
    for (const d of existsSync(join(root, '.git')) ? [] : parents) {
      if (!existsSync(join(d, '.gitignore'))) continue;
      const ig = load(join(d, '.gitignore'));
      if (ig) above.push({ prefix: `${relativeSlashed(d, root)}/`, ig });
    }
  }
  for (const f of inside) {
    const ig = load(join(root, f));
    if (!ig) continue;
    const dir = f === '.gitignore' ? '' : f.slice(0, -'/.gitignore'.length);
    const list = byDir.get(dir);
    if (list) list.push(ig);
    else byDir.set(dir, [ig]);
  }
  return {
    ignores(rel) {
      for (const { prefix, ig } of above) if (ig.ignores(prefix + rel)) return true;
      for (const ig of byDir.get('') ?? []) if (ig.ignores(rel)) return true;
      for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) {
        const list = byDir.get(rel.slice(0, i));
        if (list?.some((ig) => ig.ignores(rel.slice(i + 1)))) return true;
      }
      return false;
    },
  };
}

const crateDirs = new Map<string, string | null>();

/** The nearest directory at or above `dir` holding a Cargo.toml, or null. */
export function crateDirOf(dir: string): string | null {
  const known = crateDirs.get(dir);
  if (known !== undefined) return known;
  let found: string | null;
  if (existsSync(join(dir, 'Cargo.toml'))) found = dir;
  else found = dirname(dir) === dir ? null : crateDirOf(dirname(dir));
  crateDirs.set(dir, found);
  return found;
}
