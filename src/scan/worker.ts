// Worker thread entry: parses files sent by the pool. Bundled as dist/scan-worker.js; run from source via tsx.
import { parentPort } from 'node:worker_threads';
import { loadRustParser } from '../readers/rust-source/parser.ts';
import { RULES } from '../rules/index.ts';
import { analyzeFile } from './analyze-file.ts';
import type { Job, JobReply } from './pool.ts';

parentPort?.on('message', async (job: Job) => {
  let reply: JobReply;
  try {
    const parser = await loadRustParser();
    reply = {
      id: job.id,
      result: analyzeFile(parser, job.text, job.file, job.modulePath, RULES, job.edition, job.dependencies),
    };
  } catch (e) {
    reply = { id: job.id, error: (e as Error).stack ?? String(e) };
  }
  parentPort?.postMessage(reply);
});
