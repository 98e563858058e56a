// Spreads parsing over worker threads (tree-sitter runs in wasm on one thread each). Falls back to parsing
// in this thread when no worker entry can be found or a worker cannot start.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Edition } from '../readers/cargo-edition.ts';
import { loadRustParser, type RustParser } from '../readers/rust-source/parser.ts';
import { RULES } from '../rules/index.ts';
import { analyzeFile, type FileResult } from './analyze-file.ts';

/**
 * A small young generation: a worker allocates many short-lived tree-sitter nodes, and with V8's default
 * (up to 16 MB semi-spaces) each worker grew by tens of MB without parsing any faster. Measured on the
 * Debian registry: peak RSS 205 -> 184 MB, wall time unchanged or better.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

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

/** A job sent and not yet answered: everything but its bytes, which went to the worker. */
type PendingJob = Omit<JobRequest, 'source'> & { id: number; bytes: number };

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

export interface Pool {
  run(job: JobRequest): Promise<FileResult>;
  close(): Promise<void>;
  /** Number of worker threads, 0 when parsing in-process. */
  readonly threads: number;
  /** Jobs answered by a worker thread (the rest ran in-process after a worker failed). */
  readonly doneInWorkers: number;
}

/**
 * How to start one worker, or undefined when there is no entry to start. Bundled: scan-worker.js next to
 * the bundle. From source (tsx): worker.ts, through a small bootstrap that registers tsx's loader inside
 * the worker first, because loader hooks from `--import tsx` do not reach worker threads on Node 20.
 */
function workerFactory(): (() => Worker) | undefined {
  if (!import.meta.url.endsWith('.ts')) {
    const url = new URL('./scan-worker.js', import.meta.url);
    return existsSync(fileURLToPath(url))
      ? () => new Worker(url, { resourceLimits: WORKER_LIMITS })
      : undefined;
  }
  let tsx: string;
  try {
    tsx = import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return () => new Worker(boot, { eval: true, resourceLimits: WORKER_LIMITS });
}

export function defaultThreads(): number {
  return availableParallelism();
}

export function inProcessPool(): Pool {
  return {
    threads: 0,
    doneInWorkers: 0,
    async run(job) {
      const parser = await loadRustParser();
      return analyzeJob(parser, job);
    },
    async close() {},
  };
}

/** `start` makes one worker (default: the scan worker); tests pass one that dies, to check the fail-over. */
export function createPool(threads: number, start = workerFactory()): Pool {
  if (threads < 1 || !start) return inProcessPool();
  const fallback = inProcessPool();
  const pending = new Map<
    number,
    { resolve: (r: FileResult) => void; reject: (e: Error) => void; job: PendingJob }
  >();
  /** Text each worker has been sent and not yet answered: a job goes to the least loaded one at once. */
  const load = new Map<Worker, number>();
  const workers: Worker[] = [];
  let nextId = 0;
  let broken = false;
  let doneInWorkers = 0;

  // Jobs are posted as soon as they come, not when a worker is idle: the caller may be busy reading files
  // and unable to hear a worker's answer, and a worker's port queues what it has not yet taken.
  const send = (job: Job) => {
    let target = workers[0]!;
    for (const w of workers) if (load.get(w)! < load.get(target)!) target = w;
    load.set(target, load.get(target)! + job.source.length);
    // Moved, not copied, when the bytes have their buffer to themselves (a view into a shared one is copied).
    const own = job.source.byteOffset === 0 && job.source.byteLength === job.source.buffer.byteLength;
    target.postMessage(job, own ? [job.source.buffer as ArrayBuffer] : []);
  };

  // A worker that dies takes its job with it; rerun everything outstanding in-process, from the file (its
  // bytes went to the worker).
  const failOver = () => {
    if (broken) return;
    broken = true;
    for (const [id, p] of pending) {
      pending.delete(id);
      let source: Uint8Array;
      try {
        source = readFileSync(p.job.path);
      } catch (e) {
        p.reject(
          new Error(
            `a scan worker stopped, and ${p.job.file} could not be read again: ${(e as Error).message}`,
          ),
        );
        continue;
      }
      fallback.run({ ...p.job, source }).then(p.resolve, p.reject);
    }
  };

  for (let i = 0; i < threads; i++) {
    let w: Worker;
    try {
      w = start();
    } catch {
      break;
    }
    w.on('message', (reply: JobReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (p) {
        load.set(w, load.get(w)! - p.job.bytes);
        doneInWorkers++;
        if ('error' in reply) p.reject(new Error(`parsing ${p.job.file} failed: ${reply.error}`));
        else p.resolve(reply.result);
      }
    });
    w.on('error', failOver);
    w.on('exit', (code) => {
      if (code !== 0) failOver();
    });
    workers.push(w);
    load.set(w, 0);
  }
  if (workers.length === 0) return fallback;

  return {
    threads: workers.length,
    get doneInWorkers() {
      return doneInWorkers;
    },
    run(job) {
      if (broken) return fallback.run(job);
      return new Promise<FileResult>((resolve, reject) => {
        const full = { ...job, id: nextId++ };
        const { source, ...rest } = full;
        pending.set(full.id, { resolve, reject, job: { ...rest, bytes: source.length } });
        send(full);
      });
    },
    async close() {
      broken = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
