// A throwaway copy of a crate (or of its whole workspace, when the crate inherits from one or has path
// dependencies into it) in os.tmpdir(). `fix` rewrites the copy round by round and `savings` builds it, so
// the user's tree is only ever touched by the final, verified write.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parse } from 'smol-toml';
import { UserError } from '../errors.ts';
import { isRunning, ownerPidIn } from '../process-owner.ts';

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

/** `path = ".."` values of a manifest's dependency tables (also per target, workspace-wide and patches). */
function pathDependencies(manifest: string): string[] {
  let toml: Record<string, unknown>;
  try {
    toml = parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
  } catch {
    return [];
  }
  const tables: unknown[] = [];
  const collect = (t: unknown) => {
    if (!t || typeof t !== 'object') return;
    const o = t as Record<string, unknown>;
    for (const key of ['dependencies', 'dev-dependencies', 'build-dependencies']) tables.push(o[key]);
  };
  collect(toml);
  collect(toml.workspace);
  for (const t of Object.values((toml.target as Record<string, unknown>) ?? {})) collect(t);
  for (const t of Object.values((toml.patch as Record<string, unknown>) ?? {})) tables.push(t);
  const paths: string[] = [];
  for (const table of tables) {
    if (!table || typeof table !== 'object') continue;
    for (const dep of Object.values(table as Record<string, unknown>)) {
      const path = (dep as { path?: unknown } | null)?.path;
      if (typeof path === 'string') paths.push(resolve(dirname(manifest), path));
    }
  }
  return paths;
}

/** Every Cargo.toml under `dir`, without target/ and .git/. */
function manifestsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && e.name !== 'target' && e.name !== '.git')
      out.push(...manifestsUnder(join(dir, e.name)));
    else if (e.isFile() && e.name === 'Cargo.toml') out.push(join(dir, e.name));
  }
  return out;
}

/**
 * Path dependencies outside the copied tree (`../shared`), and theirs in turn: the copy must find them at the
 * same relative place. They are linked, not copied: nothing rewrites or builds into them.
 */
function linkOutsideDependencies(sourceRoot: string, copyRoot: string, manifests: string[]): void {
  const seen = new Set<string>();
  const queue = manifests.flatMap(pathDependencies);
  while (queue.length > 0) {
    const dep = queue.pop()!;
    if (seen.has(dep) || relative(sourceRoot, dep).split(sep)[0] !== '..' || !existsSync(dep)) continue;
    seen.add(dep);
    const at = resolve(copyRoot, relative(sourceRoot, dep));
    if (!existsSync(at)) {
      mkdirSync(dirname(at), { recursive: true });
      symlinkSync(dep, at, 'dir');
    }
    queue.push(...manifestsUnder(dep).flatMap(pathDependencies));
  }
}

/** Scratch copies this process made and has not removed yet: removed on SIGINT/SIGTERM too (cli/signals.ts). */
const live = new Set<string>();
/** Marks a scratch directory with the pid of the process using it, so a later run can tell it is stale. */
const OWNER_FILE = '.asyncbloat-owner';

/** Removes every scratch copy this process still has (a signal is ending it). */
export function removeLiveScratchCopies(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

/** Removes scratch copies left by processes that no longer run (killed with SIGKILL, or a crash). */
function removeStaleScratchCopies(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith('asyncbloat-'));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = join(tmpdir(), e);
    // No pid: not one of ours, or another asyncbloat directory.
    const pid = ownerPidIn(join(dir, OWNER_FILE));
    if (pid === undefined || pid === process.pid || isRunning(pid)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Copies the crate (with its workspace, if it has one) without target/ and .git/. */
export function makeScratchCopy(crateRoot: string): ScratchCopy {
  const sourceRoot = findWorkspaceRoot(crateRoot) ?? crateRoot;
  removeStaleScratchCopies();
  const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-'));
  live.add(dir);
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  // Placed as deep as the original, so that path dependencies that go up out of it (`../../shared`) land
  // inside the scratch directory too.
  const copyRoot = join(dir, relative(resolve('/'), sourceRoot));
  const manifests: string[] = [];
  cpSync(sourceRoot, copyRoot, {
    recursive: true,
    // Symlinks are copied as links; a link out of the tree still points to the original, but fix writes
    // only through resolveInside(), which refuses it.
    verbatimSymlinks: true,
    filter: (src) => {
      const rel = relative(sourceRoot, src);
      const top = rel.split(sep)[0];
      const keep = !(top === 'target' || top === '.git' || rel.split(sep).includes('target'));
      // The copied manifests, collected on the way: their path dependencies may point out of the tree.
      if (keep && basename(src) === 'Cargo.toml') manifests.push(src);
      return keep;
    },
  });
  linkOutsideDependencies(sourceRoot, copyRoot, manifests);
  return {
    sourceRoot,
    dir: copyRoot,
    crateDir: join(copyRoot, relative(sourceRoot, crateRoot)),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
    },
  };
}
