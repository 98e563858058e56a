// `asyncbloat savings`: two scratch copies of the crate (with its workspace), one as it is and one with every
// applicable fix, built with the same cargo flags and compared. The user's sources are only read; the
// copies live in os.tmpdir() and are removed afterwards. Both builds share one target dir of their own
// (`<target>/asyncbloat-savings`), so dependencies are compiled once and stay warm for the next run.
// Building "before" from a copy too is deliberate: both sides then see the same paths and configuration,
// and nothing in the user's tree or in `analyze`'s target dir depends on what was built here.
import { readdirSync, utimesSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeBuild } from '../analyze/index.ts';
import { type BuildOptions, buildForAnalysis } from '../cargo/build.ts';
import { workspaceMetadata } from '../cargo/metadata.ts';
import type { AnalysisReport } from '../model/report.ts';
import { scan } from '../scan/index.ts';
import { type AppliedFix, runFixLoop, type ScanFn } from './fix-loop.ts';
import { preferCallerUpdates } from './rewrites/no-await-callers.ts';
import { compareReports, type Savings } from './savings.ts';
import { findCrateRoot, makeScratchCopy, type ScratchCopy } from './scratch-copy.ts';

export interface SavingsRunOptions {
  build: BuildOptions;
  /** Only apply fixes of these rules. */
  rules?: readonly string[];
  scan?: ScanFn;
  maxRounds?: number;
}

export interface SavingsRun {
  savings: Savings;
  before: AnalysisReport;
  after: AnalysisReport | null;
  fixes: AppliedFix[];
  /** Wall seconds, for the benchmark: fix loop and "before" analysis (both from the start; they overlap), "after" analysis. */
  seconds: { fix: number; before: number; after: number };
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

  const seconds = { fix: 0, before: 0, after: 0 };
  const started = performance.now();
  const elapsed = (from: number) => (performance.now() - from) / 1000;
  const beforeCopy = makeScratchCopy(crateRoot);
  const afterCopy = makeScratchCopy(crateRoot);
  // The same flags, pointed at a copy, with the shared target dir: dependencies are compiled once.
  const optionsFor = (copy: ScratchCopy): BuildOptions => {
    const inCopy = (p: string) => join(copy.dir, relative(copy.sourceRoot, p));
    return {
      ...build,
      ...(build.manifestPath
        ? { manifestPath: inCopy(resolve(build.manifestPath)) }
        : { cwd: inCopy(start) }),
      env: { ...env, CARGO_TARGET_DIR: targetDir },
    };
  };
  const analyzeCopy = async (copy: ScratchCopy) => {
    // cargo gives both copies the same unit hashes as earlier runs (path packages hash their
    // workspace-relative path) and decides freshness by mtime, so the copy must be newer than any output
    // in the shared target dir, or the build would reuse another version's outputs.
    touchAll(copy.dir, new Date());
    const o = optionsFor(copy);
    return analyzeBuild(await buildForAnalysis(o), { ...o, scan: { cache: false } });
  };

  try {
    // The "before" build runs while the fix loop rewrites the other copy: cargo keeps the cores busy, the
    // loop mostly waits on file reads and the parser.
    const beforeRun = analyzeCopy(beforeCopy).then((r) => {
      seconds.before = elapsed(started);
      return r;
    });
    let loop: Awaited<ReturnType<typeof runFixLoop>>;
    try {
      loop = await runFixLoop({
        dir: afterCopy.crateDir,
        scan: scanFn,
        refine: (report) => preferCallerUpdates(report, afterCopy.crateDir),
        ...(options.rules ? { rules: options.rules } : {}),
        ...(options.maxRounds === undefined ? {} : { maxRounds: options.maxRounds }),
      });
      seconds.fix = elapsed(started);
    } catch (e) {
      await beforeRun.catch(() => {});
      throw e;
    }
    const before = await beforeRun;
    if (loop.applied.length === 0) {
      return {
        savings: withRoot(compareReports(before, before), crateRoot),
        before,
        after: null,
        fixes: [],
        seconds,
      };
    }
    const afterStart = performance.now();
    const after = await analyzeCopy(afterCopy);
    seconds.after = elapsed(afterStart);
    return {
      savings: withRoot(compareReports(before, after, loop.applied), crateRoot),
      before,
      after,
      fixes: loop.applied,
      seconds,
    };
  } finally {
    beforeCopy.remove();
    afterCopy.remove();
  }
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
