// Makes the dry run trustworthy: after the fix loop has rewritten the scratch copy, `cargo check` it; if that
// fails, find the fixes that broke it and run the loop again without them, until the copy compiles. A
// compiler error whose primary span lies in lines a fix wrote names that fix directly; an error elsewhere
// (a caller, a macro, a file no fix touched) is found by bisection: the fixes in file order, the shortest
// failing prefix ends with the culprit. Before any fix is blamed, the copy is checked without the fixes: a
// failure the crate already has is never a fix's. When only `--all-targets` fails that way (a `#![no_std]`
// crate with its own `#[panic_handler]`: its test harness links std, whose handler clashes), the fixes are
// checked with a plain `cargo check` (libs and bins), and a note says so. A crate that does not compile even
// that way without any fix cannot be verified; that is reported, not hidden.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathInside } from '../paths.ts';
import { compareText } from '../text-order.ts';
import {
  type CheckDiagnostics,
  type CompileError,
  errorSummary,
  readCheckDiagnostics,
} from './check-diagnostics.ts';
import {
  type AppliedFix,
  type FixIdentity,
  type FixLoopOptions,
  type FixLoopResult,
  fixKey,
  runFixLoop,
} from './fix-loop.ts';
import type { ScratchCopy } from './scratch-copy.ts';
import { type CheckResult, type CheckTargets, cargoCheck, defaultTargetsNote, errorLines } from './verify.ts';

export interface DroppedFix {
  fix: AppliedFix;
  /** `does not compile: E0277 `Later` is not a future`. */
  reason: string;
  /** rustc's rendered error, for the user to see what went wrong. */
  detail: string;
}

export interface PlanVerification {
  /** `skipped`: --no-verify; `unverifiable`: the check failed for a reason no fix explains. */
  status: 'passed' | 'skipped' | 'unverifiable';
  /** `cargo check` runs it took. */
  checks: number;
  /**
   * What the last check checked: `default` (libs and bins) when `--all-targets` failed without any fix
   * too. Unset when nothing was checked.
   */
  targets?: CheckTargets;
  /** Why the plan could not be verified, or why it was checked with the default targets. */
  note?: string;
}

export interface VerifyLoopOptions {
  /** The loop's result on the copy as it is now. */
  first: FixLoopResult;
  /** Puts the copy back as it was and runs the loop again, applying only the fixes `accept` takes. */
  rerun: (accept: (f: FixIdentity) => boolean) => Promise<FixLoopResult>;
  /** `cargo check --message-format=json` of the copy, of these targets. */
  check: (targets: CheckTargets) => Promise<CheckResult>;
  /** A file as rustc names it in a span, relative to the loop's directory (undefined: outside it). */
  loopFile: (rustcFile: string) => string | undefined;
}

export interface VerifiedLoop {
  result: FixLoopResult;
  dropped: DroppedFix[];
  verification: PlanVerification;
}

/** Fixes whose written lines an error's primary span falls in, with the first such error of each. */
function attribute(diag: CheckDiagnostics, result: FixLoopResult, loopFile: VerifyLoopOptions['loopFile']) {
  const found = new Map<number, CompileError>();
  for (const error of diag.errors) {
    for (const span of error.spans) {
      const file = loopFile(span.file);
      if (file === undefined) continue;
      for (const r of result.regions) {
        if (
          r.file === file &&
          r.startLine <= span.lineEnd &&
          span.lineStart <= r.endLine &&
          !found.has(r.fix)
        ) {
          found.set(r.fix, error);
        }
      }
    }
  }
  return found;
}

function dropFor(fix: AppliedFix, error: CompileError | undefined, stderr: string): DroppedFix {
  if (error)
    return { fix, reason: `does not compile: ${errorSummary(error)}`, detail: error.rendered.trimEnd() };
  return { fix, reason: 'does not compile', detail: errorLines(stderr) };
}

const inFileOrder = (a: AppliedFix, b: AppliedFix) =>
  compareText(a.file, b.file) || a.line - b.line || a.round - b.round;

export async function verifyFixLoop(options: VerifyLoopOptions): Promise<VerifiedLoop> {
  const dropped = new Map<string, DroppedFix>();
  const notDropped = (f: FixIdentity) => !dropped.has(fixKey(f));
  let result = options.first;
  let checks = 0;
  let targets: CheckTargets = 'all';
  /** Set when the copy without fixes passed a check of `targets`: from then on failures are the fixes'. */
  let baseOk = false;
  let targetsNote: string | undefined;
  const check = async (): Promise<Checked> => {
    checks++;
    const r = await options.check(targets);
    return { ...r, diag: readCheckDiagnostics(r.stdout) };
  };
  const done = (status: PlanVerification['status'], note?: string): VerifiedLoop => {
    const notes = [targetsNote, note].filter((n) => n !== undefined);
    return {
      result,
      dropped: [...dropped.values()],
      verification: {
        status,
        checks,
        ...(checks > 0 ? { targets } : {}),
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      },
    };
  };
  // Each round drops at least one fix (or, once, changes the targets), so this ends; the bound only guards
  // against a surprise.
  for (let attempt = 0; attempt <= options.first.applied.length + 2; attempt++) {
    if (result.applied.length === 0) return done('passed');
    const failed = await check();
    if (failed.ok) return done('passed');
    if (failed.diag.errors.length === 0) {
      // Not a compile error (a dependency that cannot be fetched, a broken manifest): no fix is to blame.
      return done('unverifiable', firstLines(errorLines(failed.output)));
    }
    if (!baseOk) {
      // Is the failure the crate's own? Then no fix is to blame, whatever lines its errors point at.
      result = await options.rerun(() => false);
      let base = await check();
      if (!base.ok && targets === 'all') {
        const all = base;
        targets = 'default';
        base = await check();
        if (base.ok) {
          targetsNote = defaultTargetsNote(summary(all));
          baseOk = true;
          result = await options.rerun(notDropped);
          continue;
        }
      }
      result = await options.rerun(notDropped);
      if (!base.ok) {
        return done('unverifiable', `the crate does not compile without the fixes either: ${summary(base)}`);
      }
      baseOk = true;
    }
    const blamed = attribute(failed.diag, result, options.loopFile);
    if (blamed.size > 0) {
      for (const [i, error] of blamed) {
        const fix = result.applied[i]!;
        dropped.set(fixKey(fix), dropFor(fix, error, failed.output));
      }
    } else {
      const culprit = await bisect(result.applied, notDropped, options, check, failed);
      dropped.set(fixKey(culprit.fix), culprit);
    }
    result = await options.rerun(notDropped);
  }
  return done('unverifiable', 'the fixes kept failing `cargo check`');
}

type Checked = CheckResult & { diag: CheckDiagnostics };

/** rustc's first error, or cargo's first lines when there is no compile error. */
function summary(c: Checked): string {
  const first = c.diag.errors[0];
  return first ? errorSummary(first) : firstLines(errorLines(c.output), 1);
}

/**
 * The first fix (in file order) whose prefix fails, with the error of that failing check. The crate
 * without any fix is known to pass, and with all of them to fail.
 */
async function bisect(
  applied: AppliedFix[],
  notDropped: (f: FixIdentity) => boolean,
  options: VerifyLoopOptions,
  check: () => Promise<Checked>,
  allFailed: Checked,
): Promise<DroppedFix> {
  const ordered = [...applied].sort(inFileOrder);
  const keys = ordered.map(fixKey);
  const prefixFails = new Map<number, Checked>([[ordered.length, allFailed]]);
  const run = async (k: number) => {
    const allowed = new Set(keys.slice(0, k));
    await options.rerun((f) => notDropped(f) && allowed.has(fixKey(f)));
    const r = await check();
    if (!r.ok) prefixFails.set(k, r);
    return r.ok;
  };
  let lo = 0;
  let hi = ordered.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (await run(mid)) lo = mid;
    else hi = mid;
  }
  const failing = prefixFails.get(hi)!;
  return dropFor(ordered[hi - 1]!, failing.diag.errors[0], failing.output);
}

function firstLines(text: string, n = 6): string {
  const lines = text.split('\n');
  return lines.length > n ? `${lines.slice(0, n).join('\n')}\n...` : text;
}

export interface CopyVerifyOptions {
  copy: ScratchCopy;
  /** The options the loop ran with on `copy.crateDir`; reruns use them plus the dropped fixes. */
  loop: FixLoopOptions;
  first: FixLoopResult;
  /** cargo's target dir for the checks (kept warm between runs). */
  targetDir: string;
  env?: NodeJS.ProcessEnv;
  /** More `cargo check` arguments: the selection the crate is built with (`--features`, `--target`, ...). */
  cargoArgs?: string[];
}

/** verifyFixLoop on a scratch copy the loop rewrote: reruns restore the copy first, checks run cargo there. */
export function verifyFixesOnCopy(o: CopyVerifyOptions): Promise<VerifiedLoop> {
  let last = o.first;
  return verifyFixLoop({
    first: o.first,
    rerun: async (accept) => {
      for (const [file, bytes] of last.originals) writeFileSync(resolve(o.loop.dir, file), bytes);
      last = await runFixLoop({ ...o.loop, accept });
      return last;
    },
    check: (targets) =>
      cargoCheck(o.copy.crateDir, targets, {
        args: ['--message-format=json', ...(o.cargoArgs ?? [])],
        env: { ...(o.env ?? process.env), CARGO_TARGET_DIR: o.targetDir },
      }),
    // rustc names files relative to the workspace root it runs in (the copy's root), or absolute.
    loopFile: (file) => {
      return pathInside(o.loop.dir, resolve(o.copy.dir, file));
    },
  });
}
