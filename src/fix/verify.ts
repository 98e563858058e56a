// After `fix --write`, the crate must still compile: `cargo check` it, and if that fails put every touched
// file back and show cargo's own errors, so the user sees why the rewrite was not kept. A failure is only
// blamed on the rewrite when the crate as it was passes the same check: a crate whose test targets never
// built (a `#![no_std]` crate with its own `#[panic_handler]`: the test harness links std and its handler)
// is checked with the targets it does build, and a crate that does not build at all is refused.
import { execFile } from 'node:child_process';
import { firstError } from '../cargo/build.ts';
import { UserError } from '../errors.ts';
import type { WriteTransaction } from './write-files.ts';

export interface CheckResult {
  ok: boolean;
  /** cargo's stderr (diagnostics and progress), for the error message. */
  output: string;
  /** cargo's stdout: the JSON messages when `--message-format=json` was passed. */
  stdout: string;
}

/**
 * What `cargo check` checks. `all`: `--all-targets` (tests, examples and benches call rewritten fns too);
 * `default`: what a plain `cargo check` checks, the libs and bins, for crates whose other targets do not
 * build even without any fix.
 */
export type CheckTargets = 'all' | 'default';

/** The command as the user would type it: `cargo check --all-targets`, `cargo check`. */
export function checkCommand(targets: CheckTargets): string {
  return targets === 'all' ? '`cargo check --all-targets`' : '`cargo check`';
}

/** Why the fixes were checked with the default targets: `why` is the error `--all-targets` gave without them. */
export function defaultTargetsNote(why: string): string {
  return (
    `${checkCommand('all')} fails without the fixes too (${why}), so they were checked with a plain ` +
    `${checkCommand('default')} (libs and bins; tests, examples and benches not checked)`
  );
}

/** A check of the crate in `crateDir`; `targets` defaults to `all`. */
export type CrateCheck = (crateDir: string, targets?: CheckTargets) => Promise<CheckResult>;

export interface CargoCheckOptions {
  /** More arguments, e.g. `--message-format=json`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Runs `cargo check` (with `--all-targets` unless `targets` is `default`) in `crateDir`. */
export function cargoCheck(
  crateDir: string,
  targets: CheckTargets = 'all',
  options: CargoCheckOptions = {},
): Promise<CheckResult> {
  const targetArgs = targets === 'all' ? ['--all-targets'] : [];
  return new Promise((resolveCheck, reject) => {
    execFile(
      'cargo',
      ['check', ...targetArgs, ...(options.args ?? [])],
      {
        cwd: crateDir,
        env: { ...(options.env ?? process.env), CARGO_TERM_COLOR: 'never' },
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

/** How the written fixes were checked. */
export interface WriteCheck {
  targets: CheckTargets;
  /** Set when the check fell back to the default targets, saying why. */
  note?: string;
}

/**
 * Checks the crate after the transaction's writes; on failure rolls back and throws a UserError that
 * carries cargo's errors. Returns normally (leaving the writes in place) when the check passes.
 *
 * A failed check is compared with the same check of the crate as it was (the files restored): when that
 * fails too, the failure is not the rewrite's. With `--all-targets` the crate is then checked as a plain
 * `cargo check` does, and if it passes that way, the fixes are written again and checked that way; if the
 * crate does not pass even that, nothing is kept and the error says that the crate itself does not build.
 * `start` is the target set to begin with (the one the dry run found to work).
 */
export async function verifyOrRollback(
  crateDir: string,
  tx: WriteTransaction,
  check: CrateCheck = cargoCheck,
  start: CheckTargets = 'all',
): Promise<WriteCheck> {
  const run = async (targets: CheckTargets) => {
    try {
      return await check(crateDir, targets);
    } catch (e) {
      restoreOrThrow(tx);
      throw e;
    }
  };
  let targets = start;
  let note: string | undefined;
  let result = await run(targets);
  if (result.ok) {
    tx.commit();
    return { targets };
  }
  const restored = tx.touched.length;
  restoreOrThrow(tx);
  // The crate as it was, with the same check: a failure it already has is not the rewrite's.
  let baseline = await run(targets);
  if (!baseline.ok && targets === 'all') {
    const plain = await run('default');
    if (plain.ok) {
      note = defaultTargetsNote(firstError(baseline.output));
      targets = 'default';
      try {
        tx.reapply();
      } catch (e) {
        restoreOrThrow(tx);
        throw e;
      }
      result = await run(targets);
      if (result.ok) {
        tx.commit();
        return { targets, note };
      }
      restoreOrThrow(tx);
    }
    baseline = plain;
  }
  if (!baseline.ok) {
    throw new UserError(
      `the crate does not compile without the fixes either (${checkCommand(targets)} fails on it as it was), ` +
        `so the fixes cannot be checked; all ${restored} changed file(s) were restored\n\n` +
        `cargo check said:\n${errorLines(baseline.output)}`,
      'make the crate build first, or write the fixes unchecked with --no-verify',
    );
  }
  throw new UserError(
    `the rewritten crate does not compile, so all ${restored} changed file(s) were restored` +
      `${note ? ` (${note})` : ''}\n\n${checkCommand(targets)} said:\n${errorLines(result.output)}`,
    'run `asyncbloat fix` without --write to see the diff; please report the failing rewrite',
  );
}

function restoreOrThrow(tx: WriteTransaction): void {
  const failed = tx.rollback();
  if (failed.length > 0) {
    throw new UserError(
      `could not restore ${failed.length} file(s) after a failed fix: ` +
        `${failed.map((f) => `${f.file} (${f.error})`).join(', ')}; the tree may be partly rewritten`,
      '`asyncbloat fix --undo` restores them from the fix journal once the files are writable',
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
