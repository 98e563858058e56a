// The fix journal: before `fix --write` writes a file, it records every file it is about to rewrite, with
// the original bytes, in `<target dir>/asyncbloat/fix-journal.json`. A run cut short (kill -9, a power cut
// of the terminal, a crash) leaves the journal in state `writing`; the next `fix` names the files it finds
// rewritten and `fix --undo` puts them back. A finished fix keeps its journal (state `done`) so that
// `fix --undo` can take it back as well, also in a crate outside version control.
// Only files whose bytes are still the original or the rewrite are ever touched: a file edited since is
// left as it is and named.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../atomic-file.ts';
import { errorText, UserError } from '../errors.ts';
import { isRunning } from '../process-owner.ts';
import { tempFileOf, writeAtomic } from './write-files.ts';

export type JournalState = 'writing' | 'done';

interface JournalFile {
  /** Relative to the crate root, forward slashes. */
  file: string;
  /** The original bytes, base64. */
  before: string;
  beforeSha256: string;
  afterSha256: string;
}

interface JournalData {
  version: 1;
  pid: number;
  started: string;
  crateRoot: string;
  state: JournalState;
  files: JournalFile[];
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export const journalPathOf = (targetDir: string) => join(targetDir, 'asyncbloat', 'fix-journal.json');

/** The journal replaced whole and synced: a reader finds the old one or the new. */
const writeSynced = (path: string, text: string) => writeFileAtomic(path, text, { fsync: true });

/** The journal of the run writing now: created before the first write, finished or discarded after. */
export class FixJournal {
  /** False after a rollback removed it; the transaction's next write records it again. */
  private onDisk = true;

  private constructor(
    readonly path: string,
    private data: JournalData,
  ) {}

  /** Records the files about to be written (a stale journal of a finished fix is replaced). */
  static begin(
    targetDir: string,
    crateRoot: string,
    files: readonly { file: string; before: Uint8Array; after: Uint8Array }[],
  ): FixJournal {
    const path = journalPathOf(targetDir);
    const journal = new FixJournal(path, {
      version: 1,
      pid: process.pid,
      started: new Date().toISOString(),
      crateRoot,
      state: 'writing',
      files: files.map((f) => ({
        file: f.file,
        before: Buffer.from(f.before).toString('base64'),
        beforeSha256: sha256(f.before),
        afterSha256: sha256(f.after),
      })),
    });
    try {
      writeSynced(path, JSON.stringify(journal.data));
    } catch (e) {
      throw new UserError(
        `cannot write the fix journal '${path}': ${errorText(e)}; nothing was written`,
        'fix --write records the files it rewrites in the target dir first; make it writable',
      );
    }
    return journal;
  }

  /** Called before each write: after a rollback (and before a rewrite is written again) it is back on disk. */
  record(): void {
    if (this.onDisk) return;
    writeSynced(this.path, JSON.stringify(this.data));
    this.onDisk = true;
  }

  /** Every file is written and checked: kept, as `done`, for `fix --undo`. */
  finish(): void {
    this.data = { ...this.data, state: 'done' };
    writeSynced(this.path, JSON.stringify(this.data));
    this.onDisk = true;
  }

  /** The tree is as it was: nothing to undo. */
  discard(): void {
    rmSync(this.path, { force: true });
    this.onDisk = false;
  }
}

/** What a journal on disk says, and which of its files are rewritten now. */
export interface JournalStatus {
  path: string;
  state: JournalState;
  pid: number;
  /** The run that wrote it is still going (another process). */
  running: boolean;
  rewritten: string[];
  original: string[];
  /** Neither the original nor the rewrite: edited since, or gone. */
  changed: string[];
}

function readJournal(path: string): JournalData | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read the fix journal '${path}': ${(e as Error).message}`);
  }
  let data: JournalData;
  try {
    data = JSON.parse(text) as JournalData;
  } catch {
    throw new UserError(
      `the fix journal '${path}' is not valid JSON`,
      'it was not written by this version of asyncbloat; delete it to go on',
    );
  }
  if (data?.version !== 1 || !Array.isArray(data.files))
    throw new UserError(
      `the fix journal '${path}' has an unknown format`,
      'it was not written by this version of asyncbloat; delete it to go on',
    );
  return data;
}

function sortFiles(
  crateRoot: string,
  data: JournalData,
): Omit<JournalStatus, 'path' | 'state' | 'pid' | 'running'> {
  const out = { rewritten: [] as string[], original: [] as string[], changed: [] as string[] };
  for (const f of data.files) {
    let hash: string;
    try {
      hash = sha256(readFileSync(resolve(crateRoot, f.file)));
    } catch {
      out.changed.push(f.file);
      continue;
    }
    if (hash === f.beforeSha256) out.original.push(f.file);
    else if (hash === f.afterSha256) out.rewritten.push(f.file);
    else out.changed.push(f.file);
  }
  return out;
}

/** The journal under `targetDir`, if there is one, with each file's state now. */
export function journalStatus(targetDir: string, crateRoot: string): JournalStatus | undefined {
  const path = journalPathOf(targetDir);
  const data = readJournal(path);
  if (!data) return undefined;
  const running = data.state === 'writing' && data.pid !== process.pid && isRunning(data.pid);
  return { path, state: data.state, pid: data.pid, running, ...sortFiles(crateRoot, data) };
}

export interface UndoResult {
  restored: string[];
  alreadyOriginal: string[];
  /** Left as they are: edited since the fix, or gone. */
  changed: string[];
  state: JournalState;
}

/**
 * Puts back the original bytes of every file the journal's fix rewrote, checking each against the rewrite's
 * hash first and the original's after. The journal is removed once every file is original again.
 */
export function undoFix(targetDir: string, crateRoot: string): UndoResult {
  const path = journalPathOf(targetDir);
  const data = readJournal(path);
  if (!data)
    throw new UserError(
      `no fix to undo: '${path}' does not exist`,
      '`asyncbloat fix --write` records what it rewrites there; a fix made before this version, or whose journal was deleted, cannot be undone this way',
    );
  if (data.state === 'writing' && data.pid !== process.pid && isRunning(data.pid))
    throw new UserError(
      `an \`asyncbloat fix --write\` (pid ${data.pid}) is writing this crate now`,
      'wait for it to finish, then run `asyncbloat fix --undo` again',
    );
  const sorted = sortFiles(crateRoot, data);
  const restored: string[] = [];
  for (const f of data.files) {
    if (!sorted.rewritten.includes(f.file)) continue;
    const real = resolve(crateRoot, f.file);
    const before = Buffer.from(f.before, 'base64');
    try {
      writeAtomic(real, before);
    } catch (e) {
      throw new UserError(
        `cannot restore '${f.file}': ${errorText(e)}` +
          (restored.length > 0
            ? `; ${restored.length} file(s) were restored before it: ${restored.join(', ')}`
            : ''),
        'make the file writable and run `asyncbloat fix --undo` again',
      );
    }
    if (sha256(readFileSync(real)) !== f.beforeSha256)
      throw new UserError(`'${f.file}' does not read back as its original after restoring it`);
    restored.push(f.file);
  }
  removeTempFiles(crateRoot, data);
  if (sorted.changed.length === 0) rmSync(path, { force: true });
  return { restored, alreadyOriginal: sorted.original, changed: sorted.changed, state: data.state };
}

/** A kill in the middle of one file's replacement leaves its temporary file; the rename never happened. */
function removeTempFiles(crateRoot: string, data: JournalData): void {
  for (const f of data.files) {
    const real = resolve(crateRoot, f.file);
    const tmp = tempFileOf(real, data.pid);
    try {
      if (readdirSync(dirname(real)).includes(basename(tmp))) unlinkSync(tmp);
    } catch {}
  }
}
