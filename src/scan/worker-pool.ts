// Spreads a scan's files over worker threads (tree-sitter runs in wasm, one parser per thread). A worker
// that dies or runs past the per-file time limit takes only the file it was on with it: that file is
// failed (FileFailure, which scan lists as skipped), the worker is replaced, and the files queued behind
// it are read again and sent on. When workers cannot run at all (no entry, none starts, every one dies
// before answering anything), the files are parsed in this thread instead.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileResult } from './analyze-file.ts';
import {
  FileFailure,
  fileTimeLimitMs,
  firstLine,
  inProcessPool,
  type Job,
  type JobReply,
  type JobRequest,
  type Pool,
  QUEUED_BYTES_PER_WORKER,
} from './pool.ts';

/**
 * A small young generation: a worker allocates many short-lived tree-sitter nodes, and with V8's default
 * (up to 16 MB semi-spaces) each worker grew by tens of MB without parsing any faster. Measured on the
 * Debian registry: peak RSS 205 -> 184 MiB at 4 MB; 2 MB took another 3 MiB off (cold, cache written,
 * five runs in turns), wall time unchanged.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2 };

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

/** A job sent and not yet answered: everything but its bytes, which went to the worker. */
interface PendingJob {
  request: Omit<JobRequest, 'source'>;
  bytes: number;
  /** Workers that stopped while on this job: the second time, the file is given up. */
  deaths: number;
  resolve: (r: FileResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Job ids in the order sent: a worker answers its messages in order, so the first is the one it is on. */
  queue: number[];
  /** Since when the first job of the queue has been the worker's (once the worker runs). */
  headSince: number;
  /** The thread has started: its start-up does not count against a file's time. */
  online: boolean;
  /** Bytes queued, to send each job to the least loaded worker. */
  load: number;
  gone: boolean;
}

export interface PoolOptions {
  /** Makes one worker (default: the scan worker); tests pass ones that die or hang. */
  start?: (() => Worker) | undefined;
  /** The time limit for one file of this many bytes (default fileTimeLimitMs). */
  timeLimitMs?: (bytes: number) => number;
  /** How many bytes may wait for one worker before `ready()` waits (default QUEUED_BYTES_PER_WORKER). */
  queuedBytesPerWorker?: number;
}

/** How often the time limits are checked. */
const WATCH_INTERVAL_MS = 250;

export function createPool(threads: number, options: PoolOptions = {}): Pool {
  const start = 'start' in options ? options.start : workerFactory();
  const limit = options.timeLimitMs ?? fileTimeLimitMs;
  if (threads < 1 || !start) return inProcessPool();
  const fallback = inProcessPool();
  const pending = new Map<number, PendingJob>();
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;
  /** Workers could not run: everything goes in-process from now on. */
  let broken = false;
  let answered = 0;
  let deaths = 0;
  const room = options.queuedBytesPerWorker ?? QUEUED_BYTES_PER_WORKER;
  /** Callers of ready() waiting for a worker with room. */
  let waiting: (() => void)[] = [];
  const hasRoom = () => closed || broken || slots.length === 0 || slots.some((s) => s.load < room);
  /** Lets the waiting callers go on once a worker has room (after an answer, or a worker lost). */
  const wake = () => {
    if (waiting.length === 0 || !hasRoom()) return;
    const go = waiting;
    waiting = [];
    for (const resolve of go) resolve();
  };

  /** A job's bytes read again from its file (they went to a worker that stopped); undefined when it fails it. */
  const readAgain = (id: number): Uint8Array | undefined => {
    const p = pending.get(id)!;
    try {
      return readFileSync(p.request.path);
    } catch (e) {
      pending.delete(id);
      p.reject(
        new FileFailure(
          p.request.file,
          `a scan worker stopped, and the file could not be read again: ${firstLine(e)}`,
        ),
      );
      return undefined;
    }
  };

  const runInProcess = (id: number, source = readAgain(id)) => {
    if (!source) return;
    const p = pending.get(id)!;
    pending.delete(id);
    fallback.run({ ...p.request, source }).then(p.resolve, p.reject);
  };

  // Jobs are posted as soon as they come, not when a worker is idle: the caller may be busy reading files
  // and unable to hear a worker's answer, and a worker's port queues what it has not yet taken. How much
  // waits in each port is the caller's to bound, by awaiting ready().
  const send = (id: number, source: Uint8Array) => {
    if (broken || slots.length === 0) return runInProcess(id, source);
    let slot = slots[0]!;
    for (const s of slots) if (s.load < slot.load) slot = s;
    const p = pending.get(id)!;
    slot.load += p.bytes;
    if (slot.queue.length === 0) slot.headSince = performance.now();
    slot.queue.push(id);
    const job: Job = { ...p.request, id, source };
    delete (job as Partial<JobRequest>).path;
    // Moved, not copied, when the bytes have their buffer to themselves (a view into a shared one is copied).
    const own = source.byteOffset === 0 && source.byteLength === source.buffer.byteLength;
    slot.worker.postMessage(job, own ? [source.buffer as ArrayBuffer] : []);
  };

  /** Sends a job again, from its file. */
  const resend = (id: number) => {
    const source = readAgain(id);
    if (source) send(id, source);
  };

  const fail = (id: number, reason: string) => {
    const p = pending.get(id)!;
    pending.delete(id);
    p.reject(new FileFailure(p.request.file, reason));
  };

  /** A worker stopped (or was stopped) while on `queue[0]`; `timedOut` says the limit stopped it. */
  const lose = (slot: Slot, why: string, timedOut: boolean) => {
    if (slot.gone || closed) return;
    slot.gone = true;
    slots.splice(slots.indexOf(slot), 1);
    deaths++;
    const [head, ...rest] = slot.queue;
    // Workers that die before answering anything cannot run here at all: parse in this thread instead.
    if (answered === 0 && deaths >= 2 && !timedOut) broken = true;
    if (!broken) addWorker();
    if (head !== undefined) {
      const p = pending.get(head)!;
      p.deaths++;
      if (timedOut) fail(head, why);
      else if (broken) runInProcess(head);
      else if (p.deaths >= 2) fail(head, `${why}, twice (its worker was replaced and stopped again)`);
      else resend(head);
    }
    for (const id of rest) resend(id);
    wake();
  };

  const addWorker = () => {
    let worker: Worker;
    try {
      worker = start();
    } catch {
      if (slots.length === 0) broken = true;
      return;
    }
    const slot: Slot = { worker, queue: [], headSince: 0, online: false, load: 0, gone: false };
    worker.on('online', () => {
      slot.online = true;
      slot.headSince = performance.now();
    });
    worker.on('message', (reply: JobReply) => {
      if (slot.gone) return;
      const id = slot.queue.shift();
      slot.headSince = performance.now();
      const p = id === undefined ? undefined : pending.get(id);
      if (id === undefined || !p || id !== reply.id) return;
      pending.delete(id);
      slot.load -= p.bytes;
      answered++;
      if ('error' in reply)
        p.reject(new FileFailure(p.request.file, `analysis failed: ${firstLine(reply.error)}`));
      else p.resolve(reply.result);
      wake();
    });
    worker.on('error', (e) => lose(slot, `a scan worker failed on this file: ${firstLine(e)}`, false));
    worker.on('exit', (code) => lose(slot, `a scan worker stopped on this file (exit code ${code})`, false));
    slots.push(slot);
  };

  for (let i = 0; i < threads; i++) addWorker();
  if (slots.length === 0) return fallback;

  const watch = setInterval(() => {
    const now = performance.now();
    for (const slot of [...slots]) {
      const head = slot.queue[0];
      if (head === undefined || !slot.online) continue;
      const ms = limit(pending.get(head)!.bytes);
      if (now - slot.headSince <= ms) continue;
      lose(slot, `took longer than ${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s to analyse; given up`, true);
      void slot.worker.terminate();
    }
  }, WATCH_INTERVAL_MS);
  watch.unref();

  return {
    get threads() {
      return slots.length;
    },
    get doneInWorkers() {
      return answered;
    },
    get queuedBytes() {
      return Math.max(0, ...slots.map((s) => s.load));
    },
    ready() {
      return hasRoom() ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
    },
    run(job) {
      return new Promise<FileResult>((resolve, reject) => {
        const id = nextId++;
        const { source, ...request } = job;
        pending.set(id, { request, bytes: source.length, deaths: 0, resolve, reject });
        send(id, source);
      });
    },
    async close() {
      closed = true;
      clearInterval(watch);
      wake();
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
