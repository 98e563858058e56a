// `asyncbloat compare`: the same tree built twice, the two sides differing in toolchain, rustflags or
// profile, each with analyze's build into a target dir of its own, then compared item by item as `savings`
// compares a crate before and after its fixes. It is how a compiler change is measured on real code: a
// locally built rustc with a patch (`rustup toolchain link`) against nightly, `-C panic=abort` against
// unwinding, `opt-level` s against z. A side that does not build is an error naming that side: the user
// asked for that toolchain, so there is no fallback to another.
import { type AnalyzeOptions, analyze } from '../analyze/index.ts';
import { UserError } from '../errors.ts';
import { compareReports, type Savings } from '../fix/savings.ts';
import { type GoalRow, goalEstimate } from '../measure/goal-estimate.ts';
import type { AnalysisReport } from '../model/report.ts';

export interface CompareSide {
  /** A rustup toolchain name (`nightly`, `stable`, `1.95`, a linked `stage1`). */
  toolchain?: string;
  /** Extra rustc flags, added to the user's RUSTFLAGS for every crate. */
  rustflags?: string[];
  release?: boolean;
  profile?: string;
}

export interface CompareResult {
  base: AnalysisReport;
  head: AnalysisReport;
  /** The comparison, in the shape of `savings --format json` (no fixes). */
  comparison: Savings;
  /** What differs between the sides, as the user gave it. */
  sides: { base: string; head: string };
  /**
   * The goal rows (measure/goal-estimate.ts) estimated on each side. A side built with a compiler that has
   * one of the changes shows it here as a smaller estimate, and its measured effect in the comparison
   * itself (`.text`, code and root futures per crate): the two stand side by side.
   */
  goals: { base: GoalRow[]; head: GoalRow[] };
}

/** `-C panic=abort -Copt-level=s` → its words; quotes group words as a shell would. */
export function splitFlags(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** What the user set for a side (`+nightly, rustflags -C panic=abort`), or that it is analyze's default. */
export function describeSide(s: CompareSide): string {
  const parts = [
    ...(s.toolchain ? [`+${s.toolchain}`] : []),
    ...(s.profile ? [`profile ${s.profile}`] : s.release ? ['--release'] : []),
    ...(s.rustflags?.length ? [`rustflags ${s.rustflags.join(' ')}`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : "analyze's default build";
}

function sideOptions(common: AnalyzeOptions, side: CompareSide): AnalyzeOptions {
  const env = { ...(common.env ?? process.env) };
  if (side.toolchain) {
    // As `cargo +NAME`: a chosen toolchain is used as it is, never fallen back from.
    env.RUSTUP_TOOLCHAIN = side.toolchain;
    delete env.RUSTUP_TOOLCHAIN_SOURCE;
    delete env.RUSTC;
  }
  const o: AnalyzeOptions = { ...common, env };
  if (side.profile || side.release) {
    delete o.release;
    delete o.profile;
    if (side.profile) o.profile = side.profile;
    else o.release = true;
  }
  if (side.rustflags?.length) o.extraRustflags = [...(common.extraRustflags ?? []), ...side.rustflags];
  return o;
}

async function buildSide(
  name: 'base' | 'head',
  common: AnalyzeOptions,
  side: CompareSide,
): Promise<AnalysisReport> {
  try {
    return await analyze(sideOptions(common, side));
  } catch (e) {
    if (e instanceof UserError)
      throw new UserError(`the ${name} side (${describeSide(side)}) did not build: ${e.message}`, e.help);
    throw e;
  }
}

export async function compareBuilds(
  common: AnalyzeOptions,
  base: CompareSide,
  head: CompareSide,
): Promise<CompareResult> {
  const b = await buildSide('base', common, base);
  const h = await buildSide('head', common, head);
  const comparison = compareReports(b, h);
  return {
    base: b,
    head: h,
    comparison,
    sides: { base: describeSide(base), head: describeSide(head) },
    goals: { base: goalEstimate(b).total, head: goalEstimate(h).total },
  };
}
