// The worker pool under faults: a worker that dies or hangs takes only the file it was on with it. The
// file is failed with a reason (scan lists it as skipped), the worker is replaced, and the files queued
// behind it are read again and analysed. Workers that cannot run at all leave the work to this thread.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { scan } from '../../src/scan/index.ts';
import { FileFailure, inProcessPool, type Pool } from '../../src/scan/pool.ts';
import { createPool } from '../../src/scan/worker-pool.ts';

const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Files on disk (a job whose worker stops is read again from its path), as pool requests. */
function jobs(texts: Record<string, string>) {
  return Object.entries(texts).map(([file, text]) => {
    const path = join(dir, file);
    writeFileSync(path, text);
    return {
      source: new TextEncoder().encode(text),
      path,
      file,
      modulePath: 'm',
      edition: '2021' as const,
      dependencies: [],
    };
  });
}

/** A stand-in worker: answers each job with its file name as an item, except that `hang.rs` never returns and `crash.rs` ends the thread. */
const fakeWorker = () =>
  new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (job) => {
       if (job.file === 'hang.rs') for (;;) {}
       if (job.file === 'crash.rs') process.exit(7);
       parentPort.postMessage({ id: job.id, result: { items: [{ name: job.file }], findings: [] } });
     });`,
    { eval: true },
  );

/** A stand-in worker that ends its thread on every job, before answering any. */
const exits = () =>
  new Worker('require("node:worker_threads").parentPort.on("message", () => process.exit(3));', {
    eval: true,
  });

async function settle(pool: Pool, requests: ReturnType<typeof jobs>) {
  try {
    return await Promise.all(
      requests.map((r) =>
        pool.run(r).then(
          (res) => `ok ${res.items.map((i) => i.name).join()}`,
          (e) => (e instanceof FileFailure ? `failed ${e.file}: ${e.reason}` : `error ${e}`),
        ),
      ),
    );
  } finally {
    await pool.close();
  }
}

describe('a worker that stops', () => {
  it('on one file: that file fails after a second worker stops on it too; the others are analysed', async () => {
    const pool = createPool(1, { start: fakeWorker });
    const out = await settle(pool, jobs({ 'a.rs': 'a', 'crash.rs': 'c', 'b.rs': 'b', 'd.rs': 'd' }));
    assert.equal(out[0], 'ok a.rs');
    assert.match(out[1]!, /^failed crash\.rs: a scan worker stopped on this file \(exit code 7\), twice/);
    assert.deepEqual(out.slice(2), ['ok b.rs', 'ok d.rs']);
    assert.ok(pool.doneInWorkers >= 3);
  });

  it('past the time limit: that file is given up, its worker replaced, the files behind it analysed', async () => {
    const pool = createPool(1, { start: fakeWorker, timeLimitMs: () => 300 });
    const started = performance.now();
    const out = await settle(pool, jobs({ 'a.rs': 'a', 'hang.rs': 'h', 'b.rs': 'b' }));
    assert.deepEqual(out, [
      'ok a.rs',
      'failed hang.rs: took longer than 0.3 s to analyse; given up',
      'ok b.rs',
    ]);
    assert.ok(performance.now() - started < 5000);
  });

  it('on every job before answering any: the work goes to this thread, nothing is lost', async () => {
    const pool = createPool(1, { start: exits });
    const out = await settle(
      pool,
      jobs({ 'f0.rs': 'async fn a() { b().await }', 'f1.rs': 'async fn c() {}' }),
    );
    assert.deepEqual(out, ['ok m::a', 'ok m::c']);
    assert.equal(pool.doneInWorkers, 0);
  });
});

describe('reading ahead of the workers', () => {
  /** A stand-in worker that takes 20 ms per job, answering in order. */
  const slowWorker = () =>
    new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', (job) => setTimeout(
         () => parentPort.postMessage({ id: job.id, result: { items: [{ name: job.file }], findings: [] } }),
         20,
       ));`,
      { eval: true },
    );

  it('a caller that waits for ready() queues no more than a worker has room for, plus one job', async () => {
    const room = 1000;
    const pool = createPool(2, { start: slowWorker, queuedBytesPerWorker: room });
    const requests = jobs(
      Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`r${i}.rs`, 'x'.repeat(300)])),
    );
    const answers: Promise<string>[] = [];
    let most = 0;
    let waits = 0;
    try {
      for (const r of requests) {
        answers.push(pool.run(r).then((res) => res.items[0]!.name));
        most = Math.max(most, pool.queuedBytes);
        const before = performance.now();
        await pool.ready();
        if (performance.now() - before > 5) waits++;
      }
      assert.deepEqual(
        await Promise.all(answers),
        requests.map((r) => r.file),
      );
    } finally {
      await pool.close();
    }
    // It filled the room (so ready() was what held it back), and never went past it by more than one job.
    assert.ok(most >= room, `at most ${most} bytes queued`);
    assert.ok(most < room + 300, `${most} bytes queued for one worker`);
    assert.ok(waits > 0);
  });

  it('in this thread, or once every worker is gone, ready() does not wait', async () => {
    await inProcessPool().ready();
    // No room at all: ready() waits until both workers have died on the job and this thread takes it.
    const pool = createPool(1, { start: exits, queuedBytesPerWorker: 1 });
    try {
      const pending = pool.run(jobs({ 'g0.rs': 'async fn a() {}' })[0]!);
      await pool.ready();
      assert.deepEqual(
        (await pending).items.map((i) => i.name),
        ['m::a'],
      );
    } finally {
      await pool.close();
    }
  });
});

it('scan: a file past the time limit is listed as skipped with the reason; the rest of the tree is reported', async () => {
  const tree = join(dir, 'tree');
  mkdirSync(tree);
  // 3.7 MB of wrappers: the real analysis takes many times the limit (and scan starts workers for it),
  // the small file a fraction of it, parser start-up included.
  writeFileSync(
    join(tree, 'big.rs'),
    Array.from({ length: 100_000 }, (_, i) => `async fn f${i}() { g().await }\n`).join(''),
  );
  writeFileSync(join(tree, 'small.rs'), 'async fn small() {}\n');
  const report = await scan(tree, { cache: false, threads: 2, fileTimeLimitMs: 3000 });
  assert.deepEqual(report.stats.skipped, [
    { file: 'big.rs', reason: 'took longer than 3.0 s to analyse; given up' },
  ]);
  assert.deepEqual(
    report.items.map((i) => i.name),
    ['small'],
  );
  assert.equal(report.stats.filesScanned, 1);
});
