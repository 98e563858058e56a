// Spreads parsing over worker threads (tree-sitter runs in wasm on one thread each). Falls back to parsing
// in this thread when no worker entry can be found or a worker cannot start.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Edition } from '../readers/cargo-edition.ts';
import { loadRustParser } from '../readers/rust-source/parser.ts';
import { RULES } from '../rules/index.ts';
import { analyzeFile, type FileResult } from './analyze-file.ts';

export interface Job {
  id: number;
  text: string;
  file: string;
  modulePath: string;
  edition: Edition;
  dependencies: readonly string[];
}

export type JobReply = { id: number; result: FileResult } | { id: number; error: string };

export interface Pool {
  run(job: Omit<Job, 'id'>): Promise<FileResult>;
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
    return existsSync(fileURLToPath(url)) ? () => new Worker(url) : undefined;
  }
  let tsx: string;
  try {
    tsx = import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return () => new Worker(boot, { eval: true });
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
      return analyzeFile(parser, job.text, job.file, job.modulePath, RULES, job.edition, job.dependencies);
    },
    async close() {},
  };
}

export function createPool(threads: number): Pool {
  const start = workerFactory();
  if (threads < 1 || !start) return inProcessPool();
  const fallback = inProcessPool();
  const pending = new Map<
    number,
    { resolve: (r: FileResult) => void; reject: (e: Error) => void; job: Job }
  >();
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const workers: Worker[] = [];
  let nextId = 0;
  let broken = false;
  let doneInWorkers = 0;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop()!;
      w.postMessage(queue.shift());
    }
  };

  // A worker that dies takes its job with it; rerun everything outstanding in-process.
  const failOver = () => {
    if (broken) return;
    broken = true;
    queue.length = 0;
    for (const [id, p] of pending) {
      pending.delete(id);
      fallback.run(p.job).then(p.resolve, p.reject);
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
        doneInWorkers++;
        if ('error' in reply) p.reject(new Error(`parsing ${p.job.file} failed: ${reply.error}`));
        else p.resolve(reply.result);
      }
      idle.push(w);
      dispatch();
    });
    w.on('error', failOver);
    w.on('exit', (code) => {
      if (code !== 0) failOver();
    });
    workers.push(w);
    idle.push(w);
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
        pending.set(full.id, { resolve, reject, job: full });
        queue.push(full);
        dispatch();
      });
    },
    async close() {
      broken = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
