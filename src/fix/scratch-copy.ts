// A throwaway copy of a crate (or of its whole workspace, when the crate inherits from one or has path
// dependencies into it) in os.tmpdir(). `fix` rewrites the copy round by round and `savings` builds it, so
// the user's tree is only ever touched by the final, verified write.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parse } from 'smol-toml';
import { UserError } from '../cli/errors.ts';

/** The nearest directory at or above `path` with a Cargo.toml. */
export function findCrateRoot(path: string): string {
  let dir = resolve(path);
  if (existsSync(dir) && !statSync(dir).isDirectory()) dir = dirname(dir);
  for (;;) {
    if (existsSync(join(dir, 'Cargo.toml'))) return dir;
    const up = dirname(dir);
    if (up === dir) {
      throw new UserError(`could not find \`Cargo.toml\` in '${resolve(path)}' or any parent directory`);
    }
    dir = up;
  }
}

function hasWorkspaceTable(manifest: string): boolean {
  try {
    return Object.hasOwn(parse(readFileSync(manifest, 'utf8')), 'workspace');
  } catch {
    return false;
  }
}

/** The workspace root above `crateRoot` (cargo's search: nearest ancestor manifest with [workspace]), if any. */
export function findWorkspaceRoot(crateRoot: string): string | undefined {
  let dir = crateRoot;
  for (;;) {
    const manifest = join(dir, 'Cargo.toml');
    if (existsSync(manifest) && hasWorkspaceTable(manifest)) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export interface ScratchCopy {
  /** Root of what was copied: the workspace root, or the crate root when it is not in a workspace. */
  sourceRoot: string;
  dir: string;
  /** The crate's directory inside the copy. */
  crateDir: string;
  remove(): void;
}

/** Copies the crate (with its workspace, if it has one) without target/ and .git/. */
export function makeScratchCopy(crateRoot: string): ScratchCopy {
  const sourceRoot = findWorkspaceRoot(crateRoot) ?? crateRoot;
  const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-'));
  const copyRoot = join(dir, basename(sourceRoot));
  cpSync(sourceRoot, copyRoot, {
    recursive: true,
    // Symlinks are copied as links; a link out of the tree still points to the original, but fix writes
    // only through resolveInside(), which refuses it.
    verbatimSymlinks: true,
    filter: (src) => {
      const rel = relative(sourceRoot, src);
      const top = rel.split(sep)[0];
      return !(top === 'target' || top === '.git' || rel.split(sep).includes('target'));
    },
  });
  return {
    sourceRoot,
    dir: copyRoot,
    crateDir: join(copyRoot, relative(sourceRoot, crateRoot)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
