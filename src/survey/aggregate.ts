// The survey's one table and one document: per crate, its async items, root futures, async share of .text
// and the goal rows; then totals and distributions over the crates that built. Pure: merging shards is
// aggregating the union of their results.
import { type GoalRowId, goalEstimate } from '../measure/goal-estimate.ts';
import { rootFutureBytes } from '../measure/root-futures.ts';
import { compareText } from '../text-order.ts';
import type { CrateResult } from './run.ts';

export const SURVEY_SCHEMA_VERSION = 1;

export interface GoalCell {
  items: number;
  codeBytes: number | null;
  futureBytes: number | null;
  states: number | null;
}

export interface SurveyCrateRow {
  crate: string;
  version: string;
  asyncItems: number;
  /** Futures no other item of the crate awaits; null when rustc laid out none (generic code only). */
  rootFutureBytes: number | null;
  largestFutureBytes: number | null;
  /** Async code / .text of its linked artifact; null for a library, which links none. */
  asyncTextShare: number | null;
  goals: Record<GoalRowId, GoalCell>;
}

export interface Distribution {
  count: number;
  median: number | null;
  p90: number | null;
  max: number | null;
}

export interface SurveySummary {
  schemaVersion: number;
  /** Toolchains and profiles the results were built with (more than one: compare with care). */
  builds: string[];
  crates: SurveyCrateRow[];
  failed: { crate: string; version: string; error: string }[];
  totals: {
    crates: number;
    failed: number;
    asyncItems: number;
    rootFutureBytes: number;
    goals: Record<GoalRowId, GoalCell>;
  };
  distributions: {
    /** Per crate. */
    rootFutureBytes: Distribution;
    asyncItems: Distribution;
    /** Per item, over all crates. */
    itemFutureBytes: Distribution;
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function distribution(values: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    max: sorted.at(-1) ?? null,
  };
}

const addOrNull = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);

function emptyGoals(): Record<GoalRowId, GoalCell> {
  const cell = () => ({ items: 0, codeBytes: null, futureBytes: null, states: null });
  return {
    'async-panic': cell(),
    'no-await': cell(),
    'single-await': cell(),
    'merge-awaits': cell(),
    'pack-args': cell(),
  };
}

export function summarizeSurvey(results: CrateResult[]): SurveySummary {
  // One result per crate and version: merged shards may overlap when a list was split twice.
  const unique = [...new Map(results.map((r) => [`${r.crate}@${r.version}@${r.dir}`, r])).values()].sort(
    (a, b) => compareText(a.crate, b.crate) || compareText(a.version, b.version),
  );
  const crates: SurveyCrateRow[] = [];
  const failed: SurveySummary['failed'] = [];
  const builds = new Set<string>();
  const itemSizes: number[] = [];
  for (const r of unique) {
    if (!r.report) {
      failed.push({ crate: r.crate, version: r.version, error: r.error ?? 'no result' });
      continue;
    }
    const report = r.report;
    builds.add(`${report.build.toolchain}, profile ${report.build.profile}`);
    const sizes = report.items.flatMap((i) => (i.futureBytes === null ? [] : [i.futureBytes]));
    itemSizes.push(...sizes);
    const goals = emptyGoals();
    for (const row of goalEstimate(report).total)
      goals[row.id] = {
        items: row.items,
        codeBytes: row.codeBytes,
        futureBytes: row.futureBytes,
        states: row.states,
      };
    const k = report.crates[0];
    crates.push({
      crate: r.crate,
      version: r.version,
      asyncItems: report.items.length,
      rootFutureBytes: rootFutureBytes(report),
      largestFutureBytes: sizes.length ? Math.max(...sizes) : null,
      asyncTextShare: k?.asyncCodeBytes !== undefined && k.textBytes ? k.asyncCodeBytes / k.textBytes : null,
      goals,
    });
  }
  const goals = emptyGoals();
  for (const c of crates) {
    for (const id of Object.keys(goals) as GoalRowId[]) {
      const t = goals[id];
      const x = c.goals[id];
      goals[id] = {
        items: t.items + x.items,
        codeBytes: addOrNull(t.codeBytes, x.codeBytes),
        futureBytes: addOrNull(t.futureBytes, x.futureBytes),
        states: addOrNull(t.states, x.states),
      };
    }
  }
  return {
    schemaVersion: SURVEY_SCHEMA_VERSION,
    builds: [...builds].sort(),
    crates,
    failed,
    totals: {
      crates: crates.length,
      failed: failed.length,
      asyncItems: crates.reduce((n, c) => n + c.asyncItems, 0),
      rootFutureBytes: crates.reduce((n, c) => n + (c.rootFutureBytes ?? 0), 0),
      goals,
    },
    distributions: {
      rootFutureBytes: distribution(
        crates.flatMap((c) => (c.rootFutureBytes === null ? [] : [c.rootFutureBytes])),
      ),
      asyncItems: distribution(crates.map((c) => c.asyncItems)),
      itemFutureBytes: distribution(itemSizes),
    },
  };
}
