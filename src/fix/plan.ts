// What `asyncbloat fix` does end to end, minus the CLI: run the fix loop on a scratch copy, turn the result
// into per-file changes, print them as diffs, or write them into the crate in one transaction and verify.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { workspaceMetadata } from '../cargo/metadata.ts';
import { errorText, UserError } from '../errors.ts';
import type { Finding } from '../model/finding.ts';
import { compareText } from '../text-order.ts';
import {
  type AppliedFix,
  type FixLoopOptions,
  runFixLoop,
  type ScanFn,
  type WithheldFix,
} from './fix-loop.ts';
import { checkVcs, type VcsOptions } from './git-state.ts';
import { FixJournal, type JournalStatus, journalStatus, type UndoResult, undoFix } from './journal.ts';
import { preferCallerUpdates } from './no-await-callers.ts';
import { findCrateRoot, makeScratchCopy } from './scratch-copy.ts';
import { unifiedDiff } from './unified-diff.ts';
import { type CrateCheck, cargoCheck, verifyOrRollback, type WriteCheck } from './verify.ts';
import { type DroppedFix, type PlanVerification, verifyFixesOnCopy } from './verify-plan.ts';
import { WriteTransaction } from './write-files.ts';

export interface FileChange {
  /** Relative to the crate root, forward slashes. */
  file: string;
  before: Buffer;
  after: Buffer;
  /** Fixes whose edits touched this file. */
  fixes: AppliedFix[];
}

export interface FixPlan {
  crateRoot: string;
  changes: FileChange[];
  applied: AppliedFix[];
  rounds: number;
  /** Fixable findings left when the round bound was reached (paths relative to the crate root). */
  remaining: Finding[];
  /** Whether maybe-incorrect fixes were applied (`--allow-eager`). */
  allowEager: boolean;
  /** Maybe-incorrect fixes left out because `allowEager` was off (lines in the text as the plan leaves it). */
  withheld: WithheldFix[];
  /** Fixes not applied because tree-sitter could not fully parse their file. */
  skippedInBrokenFiles: { count: number; example: string };
  /** Fixes left out because the rewritten copy did not compile with them, with the compiler's reason. */
  dropped: DroppedFix[];
  verification: PlanVerification;
}

export interface PlanOptions {
  /** Crate directory, or a path inside it to limit the scan to. */
  path: string;
  scan: ScanFn;
  rules?: readonly string[];
  maxRounds?: number;
  /**
   * Also apply the maybe-incorrect fixes, which make code run at the call instead of the first poll
   * (`--allow-eager`). Default: machine-applicable fixes only, as `fix --write` applies them.
   */
  allowEager?: boolean;
  /**
   * `cargo check` the rewritten copy and leave out the fixes that break it (default true). The check
   * builds into `<target dir>/asyncbloat-fix`, which stays warm between runs.
   */
  verify?: boolean;
}

/** Target dirs asked of cargo in this process, by crate root and CARGO_TARGET_DIR. */
const targetDirs = new Map<string, Promise<string>>();

/**
 * The crate's target dir as cargo resolves it (config, CARGO_TARGET_DIR, workspace). Asked of cargo once
 * per run: `fix --write` needs it for the journal check, the dirty-tree check, the plan and the write.
 */
function crateTargetDir(crateRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const key = `${crateRoot}\0${env.CARGO_TARGET_DIR ?? ''}`;
  let dir = targetDirs.get(key);
  if (!dir) {
    dir = workspaceMetadata({ cwd: crateRoot, env, manifestPath: join(crateRoot, 'Cargo.toml') }).then(
      (meta) => meta.targetDirectory,
    );
    // A failure is not kept: the next ask tries cargo again.
    dir.catch(() => targetDirs.delete(key));
    targetDirs.set(key, dir);
  }
  return dir;
}

/**
 * Whether `fix --write` may write the crate at `path` (cargo fix's check): asked before anything is built,
 * so the verification build's output cannot be taken for the user's changes; build output never counts.
 */
export async function checkWritable(path: string, options: VcsOptions): Promise<void> {
  if (!existsSync(path)) return; // planFixes says so
  const crateRoot = findCrateRoot(path);
  checkVcs(crateRoot, options, [await crateTargetDir(crateRoot)]);
}

/** Computes every fix on a scratch copy; the user's tree is only read. */
export async function planFixes(options: PlanOptions): Promise<FixPlan> {
  if (!existsSync(options.path)) {
    throw new UserError(
      `path '${options.path}' does not exist`,
      'pass a crate directory, or a file or directory inside it',
    );
  }
  const crateRoot = findCrateRoot(options.path);
  const copy = makeScratchCopy(crateRoot);
  try {
    const crateRel = relative(copy.sourceRoot, crateRoot);
    const scanRel = relative(copy.sourceRoot, resolve(options.path));
    const loopOptions: FixLoopOptions = {
      dir: resolve(copy.dir, crateRel),
      scanPath: relative(crateRel, scanRel) || '.',
      scan: options.scan,
      refine: (report) => preferCallerUpdates(report, copy.crateDir),
      ...(options.rules ? { rules: options.rules } : {}),
      ...(options.maxRounds === undefined ? {} : { maxRounds: options.maxRounds }),
      ...(options.allowEager ? { allowEager: true } : {}),
    };
    let result = await runFixLoop(loopOptions);
    let dropped: DroppedFix[] = [];
    let verification: PlanVerification = { status: 'skipped', checks: 0 };
    if (options.verify !== false && result.applied.length > 0) {
      // Not the crate's own build dirs: the copy compiles to the same unit names, and its rewritten outputs
      // must not pass for the user's crate in a later build.
      const targetDir = await crateTargetDir(crateRoot);
      const verified = await verifyFixesOnCopy({
        copy,
        loop: loopOptions,
        first: result,
        targetDir: join(targetDir, 'asyncbloat-fix'),
      });
      result = verified.result;
      dropped = verified.dropped;
      verification = verified.verification;
    }
    const changes: FileChange[] = [];
    for (const [file, before] of result.originals) {
      const after = readFileSync(resolve(copy.crateDir, file));
      if (after.equals(before)) continue;
      changes.push({ file, before, after, fixes: result.applied.filter((a) => a.files.includes(file)) });
    }
    changes.sort((a, b) => compareText(a.file, b.file));
    return {
      crateRoot,
      changes,
      applied: result.applied,
      rounds: result.rounds,
      remaining: result.remaining,
      allowEager: options.allowEager === true,
      withheld: result.withheld,
      skippedInBrokenFiles: result.skippedInBrokenFiles,
      dropped,
      verification,
    };
  } finally {
    copy.remove();
  }
}

/**
 * One header line per fix: what it does, where, and the behaviour change it may bring. A maybe-incorrect
 * fix says so: applied when `allowEager` (the default: a fix that was applied), else as one `--write`
 * leaves out.
 */
export function fixHeader(fix: AppliedFix | WithheldFix, allowEager = true): string {
  // Lines of later rounds count in the text as the earlier rounds left it.
  const where =
    'round' in fix && fix.round > 1
      ? `${fix.file}:${fix.line} after round ${fix.round - 1}`
      : `${fix.file}:${fix.line}`;
  const what = `${fix.rule}: ${fix.description} (${where})`;
  if (fix.applicability === 'machine-applicable') return fix.caveat ? `${what}; note: ${fix.caveat}` : what;
  const caveat = fix.caveat ?? 'it may change behaviour';
  return allowEager
    ? `${what}; maybe incorrect: ${caveat}`
    : `${what}; not applied by --write: ${caveat}; pass --allow-eager to apply`;
}

/**
 * All changes as git-style unified diffs, each preceded by its fixes' header lines; `allowEager` says
 * whether `--write` applies the maybe-incorrect ones (default: as the plan was made).
 */
export function renderDiffs(plan: FixPlan, allowEager = plan.allowEager): string {
  return plan.changes
    .map((c) =>
      unifiedDiff(c.file, c.before.toString('utf8'), c.after.toString('utf8'), {
        header: c.fixes.map((f) => fixHeader(f, allowEager)),
      }),
    )
    .join('');
}

export interface WriteOptions extends VcsOptions {
  verify: boolean;
  check?: CrateCheck;
}

/**
 * Writes the plan into the crate. Refuses on a dirty tree like cargo fix; each file is written atomically
 * and, unless verification is off, `cargo check` must pass or every file is restored. A file that changed
 * since it was planned is not overwritten. Returns how the written crate was checked (undefined: it was not).
 */
export async function writePlan(plan: FixPlan, options: WriteOptions): Promise<WriteCheck | undefined> {
  if (plan.changes.length === 0) return undefined;
  const targetDir = await crateTargetDir(plan.crateRoot);
  checkVcs(plan.crateRoot, options, [targetDir]);
  refuseUnfinishedFix(targetDir, plan.crateRoot);
  for (const c of plan.changes) checkFileWritable(plan.crateRoot, c.file);
  const journal = FixJournal.begin(targetDir, plan.crateRoot, plan.changes);
  const tx = new WriteTransaction(plan.crateRoot, journal);
  try {
    for (const c of plan.changes) {
      const now = readFileSync(resolve(plan.crateRoot, c.file));
      if (!now.equals(c.before))
        throw new UserError(
          `'${c.file}' changed while asyncbloat was working on it`,
          'run the command again',
        );
      tx.write(c.file, c.after);
    }
  } catch (e) {
    const written = tx.touched.length;
    const failed = tx.rollback();
    if (failed.length > 0) throw restoreFailed(failed, journal.path, e);
    if (written > 0 && e instanceof UserError)
      throw new UserError(`${e.message}; the ${written} file(s) written before it were restored`, e.help);
    throw e;
  }
  if (!options.verify) {
    tx.commit();
    return undefined;
  }
  // The targets the dry run checked with: when the crate's tests did not build without the fixes either,
  // there is no need to find that out again.
  return verifyOrRollback(plan.crateRoot, tx, options.check ?? cargoCheck, plan.verification.targets);
}

/** A file (or its directory, where the replacement is created) that cannot be written: refused before any write. */
function checkFileWritable(crateRoot: string, file: string): void {
  const path = resolve(crateRoot, file);
  for (const [what, p] of [
    ['', path],
    [' (its directory, where the new file is made)', dirname(path)],
  ] as const) {
    try {
      accessSync(p, constants.W_OK);
    } catch (e) {
      throw new UserError(
        `cannot write '${file}'${what}: ${errorText(e)}; nothing was written`,
        'make it writable, or run `asyncbloat fix` without --write to see the diff',
      );
    }
  }
}

/** The journal of a `fix --write` that was cut short, for the CLI to name; undefined when there is none. */
export async function unfinishedFix(path: string): Promise<JournalStatus | undefined> {
  if (!existsSync(path)) return undefined;
  const crateRoot = findCrateRoot(path);
  const status = journalStatus(await crateTargetDir(crateRoot), crateRoot);
  return status?.state === 'writing' ? status : undefined;
}

/** `fix --write` does not start over a fix that was cut short, nor beside one that is running. */
function refuseUnfinishedFix(targetDir: string, crateRoot: string): void {
  const status = journalStatus(targetDir, crateRoot);
  if (status?.state !== 'writing') return;
  if (status.running)
    throw new UserError(
      `another \`asyncbloat fix --write\` (pid ${status.pid}) is writing this crate`,
      'wait for it to finish',
    );
  throw new UserError(unfinishedFixText(status), unfinishedFixHelp(status));
}

export function unfinishedFixText(status: JournalStatus): string {
  const n = status.rewritten.length + status.original.length + status.changed.length;
  const list = (files: string[]) =>
    files
      .slice(0, 10)
      .map((f) => `\n  ${f}`)
      .join('') + (files.length > 10 ? `\n  ... and ${files.length - 10} more` : '');
  return (
    `an earlier \`asyncbloat fix --write\` was cut short: ${status.rewritten.length} of its ${n} file(s) are rewritten` +
    list(status.rewritten) +
    (status.changed.length > 0 ? `\nand ${status.changed.length} changed since:${list(status.changed)}` : '')
  );
}

export const unfinishedFixHelp = (status: JournalStatus) =>
  `\`asyncbloat fix --undo\` restores them; to keep them as they are, delete ${status.path}`;

/** `fix --undo`: the crate's last fix taken back, from its journal. */
export async function undoLastFix(path: string): Promise<UndoResult & { crateRoot: string }> {
  if (!existsSync(path))
    throw new UserError(`path '${path}' does not exist`, 'pass the crate directory the fix was made in');
  const crateRoot = findCrateRoot(path);
  return { ...undoFix(await crateTargetDir(crateRoot), crateRoot), crateRoot };
}

function restoreFailed(
  failed: { file: string; error: string }[],
  journal: string,
  cause: unknown,
): UserError {
  return new UserError(
    `${cause instanceof Error ? cause.message : String(cause)}; then restoring failed for ${failed.length} file(s): ` +
      `${failed.map((f) => `${f.file} (${f.error})`).join(', ')}; the tree may be partly rewritten`,
    `the originals are kept in ${journal}; \`asyncbloat fix --undo\` restores them once the files are writable`,
  );
}
