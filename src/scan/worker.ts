// Worker thread entry: parses files sent by the pool. Bundled as dist/scan-worker.js; run from source via tsx.
import { parentPort } from 'node:worker_threads';
import { loadRustParser } from '../readers/rust-source/parser.ts';
import { analyzeJob, type Job, type JobReply } from './pool.ts';

parentPort?.on('message', async (job: Job) => {
  let reply: JobReply;
  try {
    const parser = await loadRustParser();
    reply = {
      id: job.id,
      result: analyzeJob(parser, job),
    };
  } catch (e) {
    reply = { id: job.id, error: (e as Error).stack ?? String(e) };
  }
  parentPort?.postMessage(reply);
});
