// `asyncbloat savings`: two scratch copies of the crate (with its workspace), one as it is and one with the
// fixes `fix --write` would apply (the machine-applicable ones; with `allowEager` the maybe-incorrect ones
// too, as `fix --write --allow-eager`), built with the same cargo flags and compared. The user's sources are only read; the
// copies live in os.tmpdir() and are removed afterwards. Both builds share one target dir of their own
// (`<target>/asyncbloat-savings`), so dependencies are compiled once and stay warm for the next run.
// Building "before" from a copy too is deliberate: both sides then see the same paths and configuration,
// and nothing in the user's tree or in `analyze`'s target dir depends on what was built here.
// A workspace without dependencies has nothing to share between the two builds, so there they run at the
// same time, each in its own target dir (`asyncbloat-savings-after` for the fixed copy): on a small crate
// the two analysis builds were most of the wall time, one after the other.
// cargo's messages from the fixed copy wait until the copy as it is has built: a crate that does not build
// shows its errors once, from the "before" build, and the run stops there. Messages and errors name the
// user's crate, not the scratch copy (which is gone by the time the user reads them).
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, utimesSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'smol-toml';
import { analyzeBuild } from '../analyze/index.ts';
import { type BuildOptions, buildForAnalysis, CargoBuildError, cargoBuildArgs } from '../cargo/build.ts';
import { type WorkspaceMetadata, workspaceMetadata } from '../cargo/metadata.ts';
import { planToolchains, toolchainChoice } from '../cargo/toolchain.ts';
import { UserError } from '../errors.ts';
import type { AnalysisReport } from '../model/report.ts';
import { pathInside } from '../paths.ts';
import { scan } from '../scan/index.ts';
import { boxOnlyScan, boxPinSites } from './box-pin.ts';
import {
  type AppliedFix,
  type FixLoopOptions,
  type FixLoopResult,
  runFixLoop,
  type ScanFn,
} from './fix-loop.ts';
import { preferCallerUpdates } from './no-await-callers.ts';
import { fixHeader } from './plan.ts';
import { boxEstimates, compareReports, type Savings } from './savings.ts';
import { findCrateRoot, makeScratchCopy, type ScratchCopy } from './scratch-copy.ts';
import { type DroppedFix, verifyFixesOnCopy } from './verify-plan.ts';

export interface SavingsRunOptions {
  build: BuildOptions;
  /** Only apply fixes of these rules. */
  rules?: readonly string[];
  /** Also apply the maybe-incorrect fixes (`--allow-eager`); by default they are left out and named. */
  allowEager?: boolean;
  scan?: ScanFn;
  maxRounds?: number;
  /**
   * Apply the box advice of the "before" analysis (`Box::pin` at each advised await) instead of the rules'
   * fixes, and report the estimates beside the measured sizes. Futures over `boxThreshold` bytes get advice.
   */
  box?: { threshold?: number };
}

export interface SavingsRun {
  savings: Savings;
  before: AnalysisReport;
  after: AnalysisReport | null;
  fixes: AppliedFix[];
  /** Fixes left out because the fixed copy did not compile with them. */
  dropped: DroppedFix[];
  /**
   * Wall seconds, for the benchmark: fix loop and "before" analysis (both from the start; they overlap),
   * "after" analysis (from when it started: after the fix loop when `parallel`, else after "before").
   */
  seconds: { fix: number; before: number; after: number };
  /** The two builds ran side by side in their own target dirs (the workspace has no dependencies). */
  parallel: boolean;
}

export async function measureSavings(options: SavingsRunOptions): Promise<SavingsRun> {
  const build = options.build;
  const start = resolve(build.manifestPath ?? build.cwd ?? process.cwd());
  const crateRoot = findCrateRoot(start);
  const scanFn: ScanFn = options.scan ?? ((p) => scan(p, { cache: false }));
  const env = build.env ?? process.env;
  const meta = await workspaceMetadata({
    cwd: crateRoot,
    env,
    manifestPath: join(crateRoot, 'Cargo.toml'),
    ...(build.offline ? { offline: true } : {}),
  });
  // Not `analyze`'s own target/asyncbloat: the copies compile to the same unit names as the user's crate,
  // and outputs of a fixed copy left there would pass for the user's crate in a later `analyze`.
  const targetDir = join(meta.targetDirectory, 'asyncbloat-savings');
  const parallel = onlyMembersLocked(meta);
  const afterTargetDir = parallel ? join(meta.targetDirectory, 'asyncbloat-savings-after') : targetDir;

  const seconds = { fix: 0, before: 0, after: 0 };
  const started = performance.now();
  const elapsed = (from: number) => (performance.now() - from) / 1000;
  const beforeCopy = makeScratchCopy(crateRoot);
  const afterCopy = makeScratchCopy(crateRoot);
  // cargo colours its messages for a terminal only when they are not given to a `log` (which the builds
  // here always are, to hold or rename them): they still go to the terminal when the caller gave none.
  const colorEnv =
    build.log === undefined && process.stderr.isTTY && env.CARGO_TERM_COLOR === undefined
      ? { CARGO_TERM_COLOR: 'always' }
      : {};
  // The same flags, pointed at a copy, with the shared target dir: dependencies are compiled once.
  const optionsFor = (copy: ScratchCopy, target: string): BuildOptions => {
    const inCopy = (p: string) => join(copy.dir, relative(copy.sourceRoot, p));
    return {
      ...build,
      ...(build.manifestPath
        ? { manifestPath: inCopy(resolve(build.manifestPath)) }
        : { cwd: inCopy(start) }),
      env: { ...env, CARGO_TARGET_DIR: target, ...colorEnv },
      // One record of nightly failures per crate: what `analyze` learnt holds for the copies too.
      nightlyFailuresIn: meta.targetDirectory,
    };
  };
  // The copies are alike where a toolchain is chosen (rust-toolchain files, .cargo/config, their place
  // under os.tmpdir()), so the toolchain is detected once, in the "before" copy, for both builds.
  const beforeOptions = optionsFor(beforeCopy, targetDir);
  const toolchain = Promise.resolve(
    build.toolchain ??
      planToolchains({
        env: beforeOptions.env ?? process.env,
        cwd: buildDir(beforeOptions),
        choice: toolchainChoice(build.nightly),
      }),
  );
  toolchain.catch(() => {});
  const log = build.log ?? ((text: string) => void process.stderr.write(text));
  // The fixed copy's messages are held until the "before" build has passed, and dropped if it fails.
  let beforeBuilt = false;
  const heldAfter: string[] = [];
  const logFor = (copy: ScratchCopy) => {
    const inUserTerms = userPaths(copy);
    if (copy === beforeCopy) return (text: string) => log(inUserTerms(text));
    return (text: string) => {
      // The status line (`\r`, redrawn in place) is not a message: it goes out at once.
      if (beforeBuilt || text.startsWith('\r')) log(inUserTerms(text));
      else heldAfter.push(inUserTerms(text));
    };
  };
  const analyzeCopy = async (copy: ScratchCopy, target: string) => {
    // cargo gives both copies the same unit hashes as earlier runs (path packages hash their
    // workspace-relative path) and decides freshness by mtime, so the copy must be newer than any output
    // in the shared target dir, or the build would reuse another version's outputs.
    touchAll(copy.dir, new Date());
    const o = { ...optionsFor(copy, target), toolchain, log: logFor(copy) };
    const threshold = options.box?.threshold;
    return analyzeBuild(await buildForAnalysis(o), {
      ...o,
      scan: { cache: false },
      ...(threshold !== undefined ? { boxThreshold: threshold } : {}),
    });
  };

  try {
    // The "before" build runs while the fix loop rewrites the other copy: cargo keeps the cores busy, the
    // loop mostly waits on file reads and the parser.
    const beforeRun = analyzeCopy(beforeCopy, targetDir).then((r) => {
      seconds.before = elapsed(started);
      return r;
    });
    // Box advice needs the "before" layouts: then the loop waits for that build.
    const boxScan = options.box ? await boxScanFn(beforeRun, beforeCopy, afterCopy) : undefined;
    const loopOptions: FixLoopOptions = {
      dir: afterCopy.crateDir,
      scan: boxScan ?? scanFn,
      ...(boxScan ? {} : { refine: (report) => preferCallerUpdates(report, afterCopy.crateDir) }),
      ...(options.rules && !boxScan ? { rules: options.rules } : {}),
      ...(options.maxRounds === undefined ? {} : { maxRounds: options.maxRounds }),
      ...(options.allowEager || boxScan ? { allowEager: true } : {}),
    };
    let loop: FixLoopResult;
    try {
      loop = await runFixLoop(loopOptions);
      seconds.fix = elapsed(started);
    } catch (e) {
      await beforeRun.catch(() => {});
      throw e;
    }
    const buildAfter = () => {
      const from = performance.now();
      return analyzeCopy(afterCopy, afterTargetDir).then((r) => {
        seconds.after = elapsed(from);
        return r;
      });
    };
    // With nothing to share, the fixed copy builds alongside the one as it is.
    const afterRun = parallel && loop.applied.length > 0 ? buildAfter() : undefined;
    afterRun?.catch(() => {});
    const before = await beforeRun.catch(async (e) => {
      // The crate does not build as it is: its errors were shown, the fixed copy's are not (the same
      // errors again, or ones that only follow from them).
      await afterRun?.catch(() => {});
      throw errorInUserTerms(e, beforeCopy);
    });
    beforeBuilt = true;
    for (const text of heldAfter.splice(0)) log(text);
    const unchanged = (): SavingsRun => ({
      savings: withWithheld(withRoot(compareReports(before, before), crateRoot), loop),
      before,
      after: null,
      fixes: [],
      dropped: [],
      seconds,
      parallel: false,
    });
    if (loop.applied.length === 0) return unchanged();
    let after: AnalysisReport;
    let dropped: DroppedFix[] = [];
    try {
      after = await (afterRun ?? buildAfter());
    } catch (e) {
      if (!(e instanceof CargoBuildError)) throw e;
      // A fix that does not compile (what the syntax cannot show, like an awaited value that is only
      // `IntoFuture`): find it the way `fix` does, leave it out, and measure the others. Only on failure,
      // so a run whose fixes all compile pays nothing for it.
      const verified = await verifyFixesOnCopy({
        copy: afterCopy,
        loop: loopOptions,
        first: loop,
        targetDir: join(meta.targetDirectory, 'asyncbloat-fix'),
        env,
        // What the measured builds build: the same packages, features and target (a firmware crate
        // may not compile for the host, or without its board feature).
        cargoArgs: cargoBuildArgs({
          ...(build.package ? { package: build.package } : {}),
          ...(build.workspace ? { workspace: true } : {}),
          ...(build.features ? { features: build.features } : {}),
          ...(build.allFeatures ? { allFeatures: true } : {}),
          ...(build.noDefaultFeatures ? { noDefaultFeatures: true } : {}),
          ...(build.target ? { target: build.target } : {}),
          ...(build.offline ? { offline: true } : {}),
        }),
      });
      if (verified.verification.status !== 'passed') {
        throw new CargoBuildError(
          `${crateRoot} builds, but not with the fixes applied, and no fix could be singled out` +
            (verified.verification.note ? `: ${verified.verification.note}` : ''),
          'the errors above are cargo’s, from a copy with the fixes applied; `asyncbloat fix` shows the diffs',
          userPaths(afterCopy)(e.stderr),
        );
      }
      loop = verified.result;
      dropped = verified.dropped;
      if (loop.applied.length === 0) return { ...unchanged(), dropped };
      after = await buildAfter();
    }
    const savings = withWithheld(withRoot(compareReports(before, after, loop.applied), crateRoot), loop);
    if (options.box) savings.box = boxEstimates(before, after);
    savings.warnings.push(...dropped.map((d) => `not applied: ${fixHeader(d.fix)}: ${d.reason}`));
    savings.unmeasured = fixesOutsideBuild(loop.applied, before, beforeCopy);
    if (savings.unmeasured.length > 0) {
      const files = [...new Set(savings.unmeasured.map((f) => f.file))].join(', ');
      savings.warnings.push(
        `${savings.unmeasured.length} of ${loop.applied.length} fixes are in files the measured build does not compile (${files}): their effect is not in these numbers (like \`cargo build\`, the build compiles no tests or benches, and examples only with --example)`,
      );
    }
    return {
      savings,
      dropped,
      before,
      after,
      fixes: loop.applied,
      seconds,
      parallel,
    };
  } finally {
    beforeCopy.remove();
    afterCopy.remove();
  }
}

/**
 * The fix loop's scan for `--box`: no rule runs; the findings are the `Box::pin` rewrites at the awaits the
 * "before" analysis advises, located in the fixed copy (the same tree, another directory).
 */
async function boxScanFn(
  beforeRun: Promise<AnalysisReport>,
  beforeCopy: ScratchCopy,
  afterCopy: ScratchCopy,
): Promise<ScanFn> {
  const before = await beforeRun.catch(() => undefined);
  // A crate that does not build: the loop finds nothing and the "before" build's error is reported as usual.
  const sites = before
    ? boxPinSites(before, (file) =>
        relative(
          afterCopy.crateDir,
          join(afterCopy.dir, relative(beforeCopy.dir, resolve(before.root, file))),
        )
          .split('\\')
          .join('/'),
      )
    : [];
  return boxOnlyScan(sites);
}

/** Replaces the copy's root in `text` (as given and as its real path) with the user's. */
function userPaths(copy: ScratchCopy): (text: string) => string {
  let real = copy.dir;
  try {
    real = realpathSync(copy.dir);
  } catch {}
  // The longer first: one may contain the other (`/private/tmp/...` and `/tmp/...` on macOS).
  const dirs = [...new Set([copy.dir, real])].sort((a, b) => b.length - a.length);
  return (text) => dirs.reduce((t, d) => t.split(d).join(copy.sourceRoot), text);
}

/** A failed build of `copy`, told in terms of the user's crate. */
function errorInUserTerms(e: unknown, copy: ScratchCopy): unknown {
  const map = userPaths(copy);
  if (e instanceof CargoBuildError)
    return new CargoBuildError(map(e.message), map(e.help ?? ''), map(e.stderr));
  if (e instanceof UserError)
    return new UserError(map(e.message), e.help === undefined ? undefined : map(e.help));
  return e;
}

/** The directory cargo runs in for these options (what buildForAnalysis runs it in). */
function buildDir(o: BuildOptions): string {
  if (!o.manifestPath) return resolve(o.cwd ?? process.cwd());
  const p = resolve(o.cwd ?? process.cwd(), o.manifestPath);
  return existsSync(p) && statSync(p).isDirectory() ? p : dirname(p);
}

/**
 * Whether Cargo.lock lists only the workspace's own packages: then the two builds share no compiled
 * dependency and can run side by side. Without a lock nothing is known, and they share one target dir.
 */
function onlyMembersLocked(meta: WorkspaceMetadata): boolean {
  const lock = join(meta.workspaceRoot, 'Cargo.lock');
  if (!existsSync(lock)) return false;
  try {
    const packages = (parse(readFileSync(lock, 'utf8')) as { package?: { name?: unknown }[] }).package ?? [];
    const members = new Set(meta.members.map((m) => m.name));
    return packages.every((p) => typeof p.name === 'string' && members.has(p.name));
  } catch {
    return false;
  }
}

/**
 * Fixes in files no compiled target includes (integration tests, benches, examples that were not selected):
 * the file has no item in the "before" analysis, which lists every async item the build compiled.
 */
function fixesOutsideBuild(fixes: AppliedFix[], before: AnalysisReport, copy: ScratchCopy): AppliedFix[] {
  const compiled = new Set(before.items.map((i) => i.file).filter((f) => f !== undefined));
  return fixes.filter((f) => {
    const file = pathInside(before.root, join(copy.crateDir, f.file));
    return file === undefined || !compiled.has(file);
  });
}

/** Names the maybe-incorrect fixes left out, as `fix --write` leaves them out: their savings are not measured. */
function withWithheld(s: Savings, loop: FixLoopResult): Savings {
  const w = loop.withheld;
  if (w.length === 0) return s;
  const first = w[0]!;
  const items = w.map((f) => f.item ?? `${f.file}:${f.line}`);
  const shown = items.length > 5 ? `${items.slice(0, 5).join(', ')}, ...` : items.join(', ');
  s.warnings.push(
    `${w.length} maybe-incorrect fix${w.length === 1 ? ' was' : 'es were'} not applied, as \`fix --write\` would not apply ${w.length === 1 ? 'it' : 'them'} (${shown}); ` +
      `${w.length === 1 ? 'its' : 'their'} savings are not in these numbers, --allow-eager measures ${w.length === 1 ? 'it' : 'them'} too ` +
      `(${w.length === 1 ? '' : 'for example '}${first.rule} at ${first.file}:${first.line}${first.caveat ? `: ${first.caveat}` : ''}; \`asyncbloat fix\` lists each with its reason)`,
  );
  return s;
}

/** Both builds ran on copies; the report names the crate the user pointed at. */
function withRoot(s: Savings, root: string): Savings {
  return { ...s, before: { ...s.before, root }, after: { ...s.after, root } };
}

function touchAll(dir: string, when: Date): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) touchAll(p, when);
    else if (e.isFile()) utimesSync(p, when, when);
  }
}
