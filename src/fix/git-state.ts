// cargo fix's safety check before writing: refuse when the package has uncommitted changes (the user could
// not tell our edits from theirs, nor undo them with git) or is not under version control at all. The
// messages mirror cargo's so users recognise them, with `asyncbloat fix` in place of `cargo fix`.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { pathInside } from '../paths.ts';

export interface VcsOptions {
  allowDirty: boolean;
  allowNoVcs: boolean;
}

export interface DirtyFile {
  /** Path relative to the repository's top level, as git prints it. */
  path: string;
  state: 'dirty' | 'staged';
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return undefined;
  }
}

/** The git work tree containing `dir`, or undefined when there is none (or git is not installed). */
export function gitTopLevel(dir: string): string | undefined {
  return git(dir, ['rev-parse', '--show-toplevel'])?.trim() || undefined;
}

/**
 * Uncommitted changes under `dir`, as cargo counts them: untracked and modified files are dirty, index
 * changes staged; ignored files (target/) do not count.
 */
export function dirtyFiles(dir: string): DirtyFile[] {
  const out = git(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.']);
  if (out === undefined) throw new UserError(`cannot run 'git status' in '${dir}'`);
  const files: DirtyFile[] = [];
  const entries = out.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.length < 4) continue;
    const index = e[0]!;
    const worktree = e[1]!;
    const path = e.slice(3);
    // Renames and copies carry their source path as the next NUL-separated entry.
    if (index === 'R' || index === 'C') i++;
    if (index === '?' || worktree !== ' ') files.push({ path, state: 'dirty' });
    else files.push({ path, state: 'staged' });
  }
  return files;
}

/**
 * Throws cargo fix's error when writing under `dir` is not safe. Files under `buildDirs` (the cargo target
 * dir, where asyncbloat's own checks build) are build output, never the user's changes: a repository with
 * no `.gitignore` for `target/` is still clean.
 */
export function checkVcs(dir: string, options: VcsOptions, buildDirs: string[] = []): void {
  if (options.allowDirty && options.allowNoVcs) return;
  if (gitTopLevel(dir) === undefined) {
    if (options.allowNoVcs) return;
    throw new UserError(
      'no VCS found for this package and `asyncbloat fix` can potentially perform destructive changes; ' +
        "if you'd like to suppress this error pass `--allow-no-vcs`",
    );
  }
  if (options.allowDirty) return;
  const top = gitTopLevel(dir)!;
  const dirty = dirtyFiles(dir).filter(
    (f) => !buildDirs.some((b) => pathInside(b, resolve(top, f.path)) !== undefined),
  );
  if (dirty.length === 0) return;
  const list = dirty.map((f) => `  * ${f.path} (${f.state})`).join('\n');
  throw new UserError(
    'the working directory of this package has uncommitted changes, and `asyncbloat fix` can potentially ' +
      "perform destructive changes; if you'd like to suppress this error pass `--allow-dirty`, " +
      `or commit the changes to these files:\n\n${list}\n`,
  );
}
