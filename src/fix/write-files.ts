// Writing rewritten sources into the user's crate. Each file is replaced atomically (temporary file in the
// same directory, then rename, so a crash leaves the old or the new file, never half of one) with its mode
// kept. A WriteTransaction remembers every file's original bytes so a failed `cargo check` (or any error
// half-way) can put the tree back byte for byte, and write them again after the rollback (when the failure
// turned out not to be the rewrite's). Only regular files inside the crate root are written:
// paths are resolved through symlinks first, so a link pointing out of the crate is refused.
// A transaction with a journal (journal.ts) records the files before the first write, so a run killed
// half-way can be undone; one cut short by a signal rolls itself back (cli/signals.ts).
import {
  chmodSync,
  lstatSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { errorText, UserError } from '../errors.ts';
import { pathInside } from '../paths.ts';
import type { FixJournal } from './journal.ts';

/** The real path of `file` (relative to `root` or absolute), refusing anything outside the real root. */
export function resolveInside(root: string, file: string): string {
  const realRoot = realpathSync(root);
  const target = resolve(realRoot, file);
  let real: string;
  try {
    real = realpathSync(target);
  } catch (e) {
    throw new UserError(`cannot write '${file}': ${(e as Error).message}`);
  }
  if (pathInside(realRoot, real) === undefined) {
    const how = lstatSync(target).isSymbolicLink() ? ` (a symlink to '${real}')` : '';
    throw new UserError(
      `refusing to write '${file}'${how}: it is outside the crate root '${realRoot}'`,
      'asyncbloat fix only edits files inside the crate it was pointed at',
    );
  }
  if (!statSync(real).isFile()) throw new UserError(`refusing to write '${file}': not a regular file`);
  return real;
}

/** The temporary file `writeAtomic` writes `path`'s new bytes to before renaming it over `path`. */
export const tempFileOf = (path: string, pid = process.pid) =>
  join(dirname(path), `.${basename(path)}.asyncbloat-${pid}.tmp`);

/** Replaces `path` with `bytes` via a temporary file in the same directory, keeping the file mode. */
export function writeAtomic(path: string, bytes: Uint8Array): void {
  const mode = statSync(path).mode & 0o7777;
  const tmp = tempFileOf(path);
  try {
    writeFileSync(tmp, bytes, { mode });
    // The umask may have narrowed the mode given to writeFileSync.
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw e;
  }
}

/** Transactions with writes not yet committed or rolled back: a signal rolls them back. */
const live = new Set<WriteTransaction>();

/** Rolls back every transaction this process has open (a signal is ending it); returns what it could not restore. */
export function rollBackLiveTransactions(): { file: string; error: string }[] {
  const failed = [...live].flatMap((tx) => tx.rollback());
  live.clear();
  return failed;
}

export class WriteTransaction {
  /** Real path -> bytes before the first write in this transaction. */
  private readonly originals = new Map<string, Buffer>();
  /** Real path -> the bytes last written, kept through a rollback for reapply(). */
  private readonly written = new Map<string, Uint8Array>();
  /** Real path -> the bytes the last rollback put back. */
  private readonly restored = new Map<string, Buffer>();

  constructor(
    readonly root: string,
    private readonly journal?: FixJournal,
  ) {}

  /** Files written so far (real paths). */
  get touched(): string[] {
    return [...this.originals.keys()];
  }

  write(file: string, bytes: Uint8Array): void {
    const real = resolveInside(this.root, file);
    const original = this.originals.get(real) ?? readFileSync(real);
    this.journal?.record();
    try {
      writeAtomic(real, bytes);
    } catch (e) {
      // The rename did not happen: the file is as it was and needs no restoring.
      throw new UserError(`cannot write '${file}': ${errorText(e)}`);
    }
    this.originals.set(real, original);
    live.add(this);
    this.written.set(real, Buffer.from(bytes));
  }

  /** Puts back every touched file's original bytes; returns the files it could not restore. */
  rollback(): { file: string; error: string }[] {
    const failed: { file: string; error: string }[] = [];
    for (const [real, bytes] of this.originals) {
      try {
        writeAtomic(real, bytes);
      } catch (e) {
        failed.push({ file: real, error: errorText(e) });
      }
    }
    // A failed restore keeps the journal, so that `fix --undo` can finish the job.
    if (failed.length > 0) return failed;
    // Nothing written since the last rollback: keep what that one restored.
    if (this.originals.size > 0) {
      this.restored.clear();
      for (const [real, bytes] of this.originals) this.restored.set(real, bytes);
      this.originals.clear();
    }
    live.delete(this);
    this.journal?.discard();
    return failed;
  }

  /**
   * After a rollback, writes every file again as the transaction had written it. A file that changed since
   * the rollback is not overwritten: that throws, and the files written so far are rolled back by the caller.
   */
  reapply(): void {
    for (const [real, bytes] of this.written) {
      const was = this.restored.get(real);
      if (was === undefined || !readFileSync(real).equals(was)) {
        throw new UserError(`'${real}' changed while asyncbloat was checking it`, 'run the command again');
      }
      this.write(real, bytes);
    }
  }

  /** Forgets the originals: the writes stay (the journal keeps them for `fix --undo`). */
  commit(): void {
    this.journal?.finish();
    live.delete(this);
    this.originals.clear();
    this.written.clear();
    this.restored.clear();
  }
}
