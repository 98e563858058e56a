// Spreads parsing over worker threads (tree-sitter runs in wasm on one thread each). Falls back to parsing
// in this thread when no worker entry can be found or a worker cannot start.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadRustParser } from '../readers/rust-source/parser.ts';
import { analyzeFile, type FileResult } from './analyze-file.ts';

export interface Job {
  id: number;
  text: string;
  file: string;
  modulePath: string;
}

export type JobReply = { id: number; result: FileResult } | { id: number; error: string };

export interface Pool {
  run(job: Omit<Job, 'id'>): Promise<FileResult>;
  close(): Promise<void>;
  /** Number of worker threads, 0 when parsing in-process. */
  readonly threads: number;
}

/** The worker entry next to this module: worker.ts from source, scan-worker.js next to the bundle. */
function workerEntry(): URL | undefined {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './worker.ts' : './scan-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

export function defaultThreads(): number {
  return availableParallelism();
}

export function inProcessPool(): Pool {
  return {
    threads: 0,
    async run(job) {
      const parser = await loadRustParser();
      return analyzeFile(parser, job.text, job.file, job.modulePath);
    },
    async close() {},
  };
}

export function createPool(threads: number): Pool {
  const entry = workerEntry();
  if (threads < 1 || !entry) return inProcessPool();
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
      w = new Worker(entry);
    } catch {
      break;
    }
    w.on('message', (reply: JobReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (p) {
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
