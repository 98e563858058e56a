// `asyncbloat savings`: build the crate as it is and a scratch copy with every applicable fix, with the
// same cargo flags, and compare the two analyses. The user's tree is only read (and its target dir used,
// as `analyze` does); the copy lives in os.tmpdir() and is removed afterwards. Both builds share one target
// dir, so dependencies are compiled once; the copied crate has another path and so its own units.
import { dirname, join, relative, resolve } from 'node:path';
import { analyzeBuild } from '../analyze/index.ts';
import { type BuildOptions, buildForAnalysis } from '../cargo/build.ts';
import type { AnalysisReport } from '../model/report.ts';
import { scan } from '../scan/index.ts';
import { type AppliedFix, runFixLoop, type ScanFn } from './fix-loop.ts';
import { preferCallerUpdates } from './rewrites/no-await-callers.ts';
import { compareReports, type Savings } from './savings.ts';
import { findCrateRoot, makeScratchCopy } from './scratch-copy.ts';

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
}

export async function measureSavings(options: SavingsRunOptions): Promise<SavingsRun> {
  const build = options.build;
  const start = resolve(build.manifestPath ?? build.cwd ?? process.cwd());
  const crateRoot = findCrateRoot(start);
  const scanFn: ScanFn = options.scan ?? ((p) => scan(p, { cache: false }));

  const copy = makeScratchCopy(crateRoot);
  try {
    const loop = await runFixLoop({
      dir: copy.crateDir,
      scan: scanFn,
      refine: (report) => preferCallerUpdates(report, copy.crateDir),
      ...(options.rules ? { rules: options.rules } : {}),
      ...(options.maxRounds === undefined ? {} : { maxRounds: options.maxRounds }),
    });
    const beforeBuild = await buildForAnalysis(build);
    const before = await analyzeBuild(beforeBuild, { ...build, scan: { cache: false } });
    if (loop.applied.length === 0) {
      return { savings: compareReports(before, before), before, after: null, fixes: [] };
    }
    // The same flags, pointed at the copy; the same target dir, so only the changed crate is rebuilt.
    const inCopy = (p: string) => join(copy.dir, relative(copy.sourceRoot, p));
    const afterOptions: BuildOptions = {
      ...build,
      ...(build.manifestPath
        ? { manifestPath: inCopy(resolve(build.manifestPath)) }
        : { cwd: inCopy(start) }),
      env: { ...(build.env ?? process.env), CARGO_TARGET_DIR: dirname(beforeBuild.targetDir) },
    };
    const afterBuild = await buildForAnalysis(afterOptions);
    const after = await analyzeBuild(afterBuild, { ...afterOptions, scan: { cache: false } });
    return { savings: compareReports(before, after, loop.applied), before, after, fixes: loop.applied };
  } finally {
    copy.remove();
  }
}
