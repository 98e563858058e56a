// Which files a scan reads: every `.rs` file under the path, minus what git would ignore and `target/`.
// Symlinked directories are not followed, so a link back up the tree cannot loop.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { glob } from 'tinyglobby';
import { UserError } from '../errors.ts';

export interface SourceFile {
  abs: string;
  /** Relative to the scan root, forward slashes. */
  rel: string;
}

export interface Walk {
  /** Absolute directory every `rel` is relative to (the file's directory when a single file is scanned). */
  root: string;
  files: SourceFile[];
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
    return { root, files: [{ abs, rel: relative(root, abs).split(sep).join('/') }] };
  }
  if (!st.isDirectory()) throw new UserError(`'${path}' is neither a file nor a directory`);

  const found = await glob(['**/*.rs', '**/.gitignore'], {
    cwd: abs,
    dot: true,
    followSymbolicLinks: false,
    onlyFiles: true,
    ignore: ['**/target/**', '**/.git/**', '**/node_modules/**'],
  });
  const rules = gitignores(
    abs,
    found.filter((f) => f === '.gitignore' || f.endsWith('/.gitignore')),
  );
  const files = found
    .filter((f) => f.endsWith('.rs') && !rules.ignores(f))
    .sort()
    .map((rel) => ({ abs: join(abs, rel), rel }));
  return { root: abs, files };
}

interface IgnoreSet {
  ignores(rel: string): boolean;
}

/** .gitignore files inside the root, plus those between the root and its git repository's top. */
function gitignores(root: string, inside: string[]): IgnoreSet {
  const byDir: { dir: string; ig: Ignore }[] = [];
  const load = (dir: string, file: string) => {
    try {
      byDir.push({ dir, ig: ignore().add(readFileSync(file, 'utf8')) });
    } catch {
      // an unreadable .gitignore ignores nothing
    }
  };
  const above: string[] = [];
  for (let d = dirname(root); ; d = dirname(d)) {
    above.push(d);
    if (existsSync(join(d, '.git')) || dirname(d) === d) break;
  }
  if (existsSync(join(root, '.git')) || existsSync(join(above.at(-1)!, '.git'))) {
    for (const d of existsSync(join(root, '.git')) ? [] : above) {
      if (existsSync(join(d, '.gitignore'))) load(d, join(d, '.gitignore'));
    }
  }
  for (const f of inside) load(join(root, dirname(f)), join(root, f));
  return {
    ignores(rel) {
      const abs = join(root, rel);
      for (const { dir, ig } of byDir) {
        if (!abs.startsWith(dir + sep)) continue;
        if (ig.ignores(relative(dir, abs).split(sep).join('/'))) return true;
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
