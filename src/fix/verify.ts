// After `fix --write`, the crate must still compile: `cargo check` it, and if that fails put every touched
// file back and show cargo's own errors, so the user sees why the rewrite was not kept.
import { execFile } from 'node:child_process';
import { UserError } from '../cli/errors.ts';
import type { WriteTransaction } from './write-files.ts';

export interface CheckResult {
  ok: boolean;
  /** cargo's stderr (diagnostics and progress), for the error message. */
  output: string;
  /** cargo's stdout: the JSON messages when `--message-format=json` was passed. */
  stdout: string;
}

/** Runs `cargo check --all-targets` in `crateDir` (tests and examples call rewritten fns too). */
export function cargoCheck(
  crateDir: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<CheckResult> {
  return new Promise((resolveCheck, reject) => {
    execFile(
      'cargo',
      ['check', '--all-targets', ...extraArgs],
      {
        cwd: crateDir,
        env: { ...env, CARGO_TERM_COLOR: 'never' },
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
          reject(new UserError(`cannot run cargo: ${error.message}`, 'is cargo installed and on PATH?'));
          return;
        }
        resolveCheck({ ok: !error, output: stderr, stdout });
      },
    );
  });
}

/**
 * Checks the crate after the transaction's writes; on failure rolls back and throws a UserError that
 * carries cargo's errors. Returns normally (leaving the writes in place) when the check passes.
 */
export async function verifyOrRollback(
  crateDir: string,
  tx: WriteTransaction,
  check: (dir: string) => Promise<CheckResult> = cargoCheck,
): Promise<void> {
  let result: CheckResult;
  try {
    result = await check(crateDir);
  } catch (e) {
    restoreOrThrow(tx);
    throw e;
  }
  if (result.ok) {
    tx.commit();
    return;
  }
  const restored = tx.touched.length;
  restoreOrThrow(tx);
  throw new UserError(
    `the rewritten crate does not compile, so all ${restored} changed file(s) were restored\n\n` +
      `cargo check said:\n${errorLines(result.output)}`,
    'run `asyncbloat fix` without --write to see the diff; please report the failing rewrite',
  );
}

function restoreOrThrow(tx: WriteTransaction): void {
  const failed = tx.rollback();
  if (failed.length > 0) {
    throw new UserError(
      `could not restore ${failed.length} file(s) after a failed fix: ` +
        failed.map((f) => `${f.file} (${f.error})`).join(', '),
    );
  }
}

/** cargo's output without the progress lines (`Checking`, `Compiling`, ...), which say nothing about the error. */
export function errorLines(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^\s+(Checking|Compiling|Blocking|Locking|Updating|Finished)\b/.test(l))
    .join('\n')
    .trimEnd();
}
