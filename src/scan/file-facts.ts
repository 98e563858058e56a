// What a warm scan needs to know of a file without reading it, remembered by the file's size, mtime and
// inode, as git's index remembers a file's stat to skip hashing it: whether it is text, whether it holds
// `async`, its content hash (the result cache's key), and what the crate pass reads from it (awaiting
// macros, `mod` declarations). A file whose stat changed is read again. So is one modified within two
// seconds before the facts were saved ("racily clean" in git's words): a coarse mtime could not tell an
// edit in that window apart from the version that was read.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-file.ts';
import type { ModDeclaration } from '../readers/rust-source/mod-declarations.ts';

/** Bump when a fact's meaning changes. */
const FORMAT = 1;
/** A file modified less than this before the facts were saved is read again. */
const RACY_MS = 2000;

/**
 * What tells versions of a file apart, as git's index keeps it. Kept instead of fs.Stats, which holds four
 * Dates and a dozen numbers: kept for every file through a scan, they were 1.7 of the 12.9 MB live in the
 * main thread midway through a cold scan of the Debian registry.
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Facts of one version of a file; each part is filled by the pass that reads it. */
export interface FileFact {
  /** Why it is not scanned (not UTF-8, binary), when it is not. */
  problem?: string;
  hasAsync?: boolean;
  /** SHA-1 of the bytes, for files with `async`. */
  hash?: string;
  /** Read by the crate pass; an empty list is left out (most files have none: smaller to store and parse). */
  crate?: { macros?: string[]; declarations?: ModDeclaration[] };
}

interface Entry extends FileFact, FileStamp {}

interface Stored {
  format: number;
  savedAt: number;
  files: Record<string, Entry>;
}

export const contentHash = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

export class FileFacts {
  private readonly used: Record<string, Entry> = {};
  /** Each file's stat, taken once per scan (the main pass and the crate pass both ask). */
  private readonly stats = new Map<string, FileStamp>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly old: Stored,
  ) {}

  /** The facts saved at `file` (none when it is missing or damaged). */
  static open(file: string): FileFacts {
    let old: Stored = { format: FORMAT, savedAt: 0, files: {} };
    try {
      const read = JSON.parse(readFileSync(file, 'utf8')) as Stored;
      if (read.format === FORMAT && typeof read.savedAt === 'number' && read.files) old = read;
    } catch {
      // none yet, or damaged: every file is read
    }
    return new FileFacts(file, old);
  }

  /** The file's stat, as first taken in this scan; throws what statSync throws. */
  stat(path: string): FileStamp {
    let st = this.stats.get(path);
    if (!st) {
      const { size, mtimeMs, ino } = statSync(path);
      st = { size, mtimeMs, ino };
      this.stats.set(path, st);
    }
    return st;
  }

  /** What is known of this version of the file (by `stat`), if anything. */
  get(path: string, stat: FileStamp): FileFact | undefined {
    const e = this.used[path] ?? this.old.files[path];
    if (!e || e.size !== stat.size || e.mtimeMs !== stat.mtimeMs || e.ino !== stat.ino) return undefined;
    if (this.used[path] === undefined && stat.mtimeMs > this.old.savedAt - RACY_MS) return undefined;
    this.used[path] = e;
    return e;
  }

  /** Adds to what is known of this version of the file. */
  set(path: string, stat: FileStamp, fact: FileFact): void {
    const prev = this.get(path, stat);
    this.used[path] = { ...prev, ...fact, size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino };
    this.changed = true;
  }

  /** Writes the facts of the files this scan saw (atomically); failing to is not an error. */
  save(): void {
    if (!this.changed && Object.keys(this.used).length === Object.keys(this.old.files).length) return;
    const stored: Stored = { format: FORMAT, savedAt: Date.now(), files: this.used };
    try {
      writeFileAtomic(this.file, JSON.stringify(stored));
    } catch {
      // read-only home or full disk: the next scan reads every file again
    }
  }
}
