// One crate of a survey: analysed once, its result written to `<out>/results/` before the next crate starts,
// so an interrupted survey goes on where it stopped. A library is built through a small wrapper package that
// depends on it by path: that builds what its users build (no dev-dependencies, no tests), which is what a
// registry crate can build offline. A crate that does not build is a result too, with cargo's first error.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../analyze/index.ts';
import { writeFileAtomic } from '../atomic-file.ts';
import type { BuildOptions } from '../cargo/build.ts';
import type { AnalysisReport } from '../model/report.ts';
import type { SurveyCrate } from './inputs.ts';

export interface CrateResult {
  crate: string;
  version: string;
  dir: string;
  /** The analysis, its items and crates cut to this crate; absent when it did not build. */
  report?: AnalysisReport;
  /** Why it was not analysed: cargo's first error, or asyncbloat's. */
  error?: string;
}

export interface SurveyRunOptions {
  out: string;
  /** Cargo settings for every crate: profile, toolchain choice, --offline. */
  build: Pick<BuildOptions, 'release' | 'profile' | 'offline' | 'nightly' | 'target' | 'env'>;
  /** Cargo's target dir for every crate (default `<out>/target`): shared, so common dependencies build once. */
  targetDir?: string;
  /** Enable every feature the crate declares (as `cargo build --all-features` would on it). */
  allFeatures?: boolean;
  /** Told when a crate starts and ends (the CLI prints progress from it). */
  onCrate?: (c: SurveyCrate, state: 'cached' | 'start' | 'done', result?: CrateResult) => void;
}

const resultName = (c: SurveyCrate) => `${c.name}-${c.version}.json`.replace(/[^\w.+-]/g, '_');

/** The results already in `<out>/results/`, by file name. */
export function readResults(out: string): CrateResult[] {
  const dir = join(out, 'results');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CrateResult);
}

/** Analyses each crate that has no result yet; returns every crate's result, in the list's order. */
export async function surveyCrates(crates: SurveyCrate[], opts: SurveyRunOptions): Promise<CrateResult[]> {
  const results = join(opts.out, 'results');
  mkdirSync(results, { recursive: true });
  const out: CrateResult[] = [];
  for (const c of crates) {
    const file = join(results, resultName(c));
    let result: CrateResult | undefined;
    try {
      result = JSON.parse(readFileSync(file, 'utf8')) as CrateResult;
      if (result.dir !== c.dir) result = undefined; // another crate of that name and version: redo it
    } catch {
      result = undefined;
    }
    if (result) {
      opts.onCrate?.(c, 'cached', result);
    } else {
      opts.onCrate?.(c, 'start');
      result = await surveyOne(c, opts);
      writeFileAtomic(file, `${JSON.stringify(result)}\n`);
      opts.onCrate?.(c, 'done', result);
    }
    out.push(result);
  }
  return out;
}

async function surveyOne(c: SurveyCrate, opts: SurveyRunOptions): Promise<CrateResult> {
  const base = { crate: c.name, version: c.version, dir: c.dir };
  const cargoLog: string[] = [];
  // Every crate builds into one target dir: dependencies shared between crates (tokio, futures) build once.
  const env = {
    ...(opts.build.env ?? process.env),
    CARGO_TARGET_DIR: opts.targetDir ?? join(opts.out, 'target'),
  };
  const manifestPath = c.lib
    ? wrapperManifest(c, opts.out, { features: opts.allFeatures ? c.features : [] })
    : join(c.dir, 'Cargo.toml');
  try {
    const report = await analyze({
      ...opts.build,
      manifestPath,
      env,
      // A library is the wrapper's dependency: its items are dependency items.
      ...(c.lib ? { deps: true } : {}),
      progress: false,
      log: (text) => cargoLog.push(text),
    });
    return { ...base, report: onlyCrate(report, c.name.replace(/-/g, '_')) };
  } catch (e) {
    const first = cargoLog
      .join('')
      .split('\n')
      .find((l) => /^error(\[E\d+\])?:/.test(l));
    return { ...base, error: first ?? (e as Error).message.split('\n')[0]! };
  }
}

/** `<out>/build/<name>-<version>/`: a package with an empty lib that depends on the crate by path. */
function wrapperManifest(c: SurveyCrate, out: string, opts: { features: string[] }): string {
  const dir = join(out, 'build', resultName(c).replace(/\.json$/, ''));
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'lib.rs'), '');
  const toml = [
    '[package]',
    `name = "asyncbloat-survey-${c.name.replace(/[^\w-]/g, '-')}"`,
    'version = "0.0.0"',
    'edition = "2021"',
    'publish = false',
    '',
    '[dependencies]',
    `${JSON.stringify(c.name)} = { path = ${JSON.stringify(c.dir)}${opts.features.length ? `, features = ${JSON.stringify(opts.features)}` : ''} }`,
    '',
    '[workspace]',
    '',
  ];
  writeFileSync(join(dir, 'Cargo.toml'), toml.join('\n'));
  return join(dir, 'Cargo.toml');
}

/** The report with only `crate`'s items and summary (the wrapper and the other dependencies left out). */
function onlyCrate(report: AnalysisReport, crate: string): AnalysisReport {
  return {
    ...report,
    items: report.items.filter((i) => i.crate === crate),
    crates: report.crates.filter((k) => k.name === crate),
  };
}
