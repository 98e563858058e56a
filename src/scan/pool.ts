// A scan's jobs (one file each) and where they run: in this thread here, in worker threads in worker-pool.ts.
import { availableParallelism } from 'node:os';
import type { Edition } from '../readers/cargo-edition.ts';
import { loadRustParser, type RustParser } from '../readers/rust-source/parser.ts';
import { RULES } from '../rules/index.ts';
import { analyzeFile, type FileResult } from './analyze-file.ts';

export interface Job {
  id: number;
  /** The file's UTF-8 bytes (BOM included), in a buffer of their own: it is moved to the worker, not copied. */
  source: Uint8Array;
  file: string;
  modulePath: string;
  edition: Edition;
  dependencies: readonly string[];
  /** Awaiting `macro_rules!` the crate defines in other files: calls of them are awaits. */
  crateMacros?: readonly string[];
  /** Time each phase (FileResult.timings), for the benchmark's breakdown. */
  profile?: boolean;
}

/** What the pool asks for: a job, and the file it came from (to read again if its worker dies). */
export type JobRequest = Omit<Job, 'id'> & { path: string };

// Drops a leading byte-order mark, as rustc does: every offset and column counts from after it, like rustc's
// spans. (src/fix relies on this when it maps edits back onto the file's bytes.)
const utf8 = new TextDecoder('utf-8');

/** Runs the rules on one job, its bytes decoded as `scan` reads a file. */
export function analyzeJob(parser: RustParser, job: Omit<Job, 'id'>): FileResult {
  const start = performance.now();
  const text = utf8.decode(job.source);
  const decoded = performance.now() - start;
  const r = analyzeFile(
    parser,
    text,
    job.file,
    job.modulePath,
    RULES,
    job.edition,
    job.dependencies,
    undefined,
    job.profile,
    job.crateMacros,
  );
  if (r.timings) r.timings.decode = decoded;
  return r;
}

export type JobReply = { id: number; result: FileResult } | { id: number; error: string };

/**
 * One file the pool could not analyse: its worker stopped on it twice, it ran past the time limit, or the
 * analysis threw. Its file is skipped with `reason`; the rest of the run goes on.
 */
export class FileFailure extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'FileFailure';
  }
}

/**
 * How long one file may take in a worker before it is given up: far beyond any real file (the registry's
 * slowest parses in well under a second), so only a hang or a super-linear blow-up reaches it.
 */
export const fileTimeLimitMs = (bytes: number) => 30_000 + bytes / 1024;

export interface Pool {
  run(job: JobRequest): Promise<FileResult>;
  close(): Promise<void>;
  /** Number of worker threads, 0 when parsing in-process. */
  readonly threads: number;
  /** Jobs answered by a worker thread (the rest ran in-process after a worker failed). */
  readonly doneInWorkers: number;
  /**
   * Resolves when a worker has room for another job: fewer than `queuedBytesPerWorker` bytes sent to it and
   * not yet answered. A caller that reads files faster than they are parsed waits here, so the text held
   * for the workers stays bounded however large the tree is. At once when parsing in-process.
   */
  ready(): Promise<void>;
  /** The most bytes sent to one worker and not yet answered (0 in-process). */
  readonly queuedBytes: number;
}

/**
 * How much text may wait for one worker: a worker parses about 2.5 MB/s, so this keeps it busy for some
 * 200 ms while this thread reads the next files. Sending every file as soon as it was read held the text
 * of all of a tree's async files at once: 6 MiB more peak RSS on the Debian registry (8 MB of async code),
 * and in proportion on larger trees, with no gain in speed.
 */
export const QUEUED_BYTES_PER_WORKER = 512 * 1024;

export const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

export function defaultThreads(): number {
  return availableParallelism();
}

export function inProcessPool(): Pool {
  return {
    threads: 0,
    doneInWorkers: 0,
    queuedBytes: 0,
    ready: () => Promise.resolve(),
    async run(job) {
      const parser = await loadRustParser();
      try {
        return analyzeJob(parser, job);
      } catch (e) {
        throw new FileFailure(job.file, `analysis failed: ${firstLine(e)}`);
      }
    },
    async close() {},
  };
}
