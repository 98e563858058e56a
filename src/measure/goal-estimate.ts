// What the Rust project's async goals would save on this crate, from this build's numbers: one row per work
// item of rust-lang/goals#623 ("Async statemachine optimisation") and one for the layout packing of #622.
// Every row says how it was computed and which parts are counted in the binary and which are estimated: the
// compiler work is not done yet, so none of it can be measured here except through `compare`.
import type { AnalysisReport, AnalyzedItem } from '../model/report.ts';
import { partBytes } from './code-parts.ts';

export type GoalRowId = 'async-panic' | 'no-await' | 'single-await' | 'merge-awaits' | 'pack-args';

export interface GoalRow {
  id: GoalRowId;
  /** The work item: `rust-lang/goals#623 (1)` ... */
  goal: string;
  title: string;
  /** Items the row counts. */
  items: number;
  /** Machine code the change would remove; null when the build has no linked artifact. */
  codeBytes: number | null;
  /** Future bytes it would remove, summed over the items (an awaited future counts in its awaiter too). */
  futureBytes: number | null;
  /** States it would remove. */
  states: number | null;
  /** `estimated` for every row today; `measured` once `compare` measures the row with a toolchain that has it. */
  basis: 'estimated' | 'measured';
  /** How the numbers were obtained, in one sentence. */
  method: string;
}

export interface CrateGoalEstimate {
  crate: string;
  rows: GoalRow[];
}

export interface GoalEstimate {
  /** All crates together, then per crate. */
  total: GoalRow[];
  crates: CrateGoalEstimate[];
}

const ownCode = (i: AnalyzedItem): number | null =>
  i.code ? partBytes(i.code, 'poll') + partBytes(i.code, 'drop') : null;

/** Sum of `f` over items; null when no item has a value (not measured), so a 0 is a real 0. */
function sum(items: AnalyzedItem[], f: (i: AnalyzedItem) => number | null | undefined): number | null {
  let total: number | null = null;
  for (const i of items) {
    const v = f(i);
    if (v !== null && v !== undefined) total = (total ?? 0) + v;
  }
  return total;
}

const hasFinding = (i: AnalyzedItem, rule: string) => i.findings.some((f) => f.rule === rule);

/**
 * The suspend states an item would lose if awaits of the same future type were merged: for each awaitee
 * type held in more than one state, all but one. Counted only on items where `duplicate-arm-awaits` found
 * arms that await the same callee, since only awaits in exclusive arms can share a state.
 */
function mergeableStates(i: AnalyzedItem): number {
  const statesOf = new Map<string, Set<string>>();
  for (const c of i.children) {
    const set = statesOf.get(c.typeName) ?? new Set<string>();
    set.add(c.state);
    statesOf.set(c.typeName, set);
  }
  let n = 0;
  for (const s of statesOf.values()) n += s.size - 1;
  return n;
}

function rows(items: AnalyzedItem[], linked: boolean): GoalRow[] {
  const code = (xs: AnalyzedItem[], f: (i: AnalyzedItem) => number | null) => (linked ? sum(xs, f) : null);
  const panicky = items.filter((i) => (i.panicSites?.resumed ?? 0) + (i.panicSites?.resumedPanic ?? 0) > 0);
  // Structural, from rustc's MIR: no suspend point. Items whose attribute requires `async fn` count too:
  // the compiler change helps them where no rewrite can.
  const noAwait = items.filter((i) => i.suspendPoints === 0);
  const wrappers = items.filter((i) => i.suspendPoints === 1 && hasFinding(i, 'single-await-wrapper'));
  const merging = items.filter((i) => hasFinding(i, 'duplicate-arm-awaits') && mergeableStates(i) > 0);
  const packing = items.filter((i) => i.duplicatedArgs.length > 0);
  return [
    {
      id: 'async-panic',
      goal: 'rust-lang/goals#623 (1), compiler-team#1016',
      title: 'no panic when a finished future is polled (-Zasync-panic)',
      items: panicky.length,
      codeBytes: code(panicky, (i) => i.panicSites?.bytes ?? null),
      futureBytes: null,
      states: null,
      basis: 'estimated',
      method:
        'call sites of panic_const_async_fn_resumed[_panic] counted in the binary, times the size of one call on the target',
    },
    {
      id: 'no-await',
      goal: 'rust-lang/goals#623 (2)',
      title: 'no state machine for futures without .await',
      items: noAwait.length,
      codeBytes: code(noAwait, ownCode),
      futureBytes: sum(noAwait, (i) => i.futureBytes),
      states: sum(noAwait, (i) => i.states),
      basis: 'estimated',
      method:
        'poll fns and drop glue in the symbol table, future sizes and states from rustc, of the items whose MIR has no suspend point (an upper bound: a ready future still holds its output)',
    },
    {
      id: 'single-await',
      goal: 'rust-lang/goals#623 (3)',
      title: 'single-await futures collapsed into their callee',
      items: wrappers.length,
      codeBytes: code(wrappers, ownCode),
      futureBytes: sum(wrappers, (i) =>
        i.futureBytes === null ? null : i.futureBytes - Math.max(0, ...i.children.map((c) => c.bytes)),
      ),
      states: sum(wrappers, (i) => i.states),
      basis: 'estimated',
      method:
        'the wrappers single-await-wrapper finds: their own poll and drop code, their states, and their future minus the awaited one it holds',
    },
    {
      id: 'merge-awaits',
      goal: 'rust-lang/goals#623 (4), rust#162429',
      title: 'identical awaits merged into one state',
      items: merging.length,
      codeBytes: code(merging, (i) => {
        const own = ownCode(i);
        const awaits = i.suspendPoints ?? 0;
        return own === null || awaits === 0 ? null : Math.round((own * mergeableStates(i)) / awaits);
      }),
      futureBytes: null,
      states: sum(merging, mergeableStates),
      basis: 'estimated',
      method:
        'in items where duplicate-arm-awaits finds exclusive arms awaiting one callee, the states holding an awaitee type another state holds too; code as that share of the poll fn',
    },
    {
      id: 'pack-args',
      goal: 'rust-lang/goals#622, rust#62958',
      title: 'arguments stored once (coroutine layout packing)',
      items: packing.length,
      codeBytes: null,
      futureBytes: sum(packing, (i) => i.duplicatedArgs.reduce((n, d) => n + d.bytes, 0)),
      states: null,
      basis: 'estimated',
      method: "bytes of the arguments rustc's layout stores both as an upvar and as a local",
    },
  ];
}

/** The goal rows for the report, over all its items and per crate. */
export function goalEstimate(report: AnalysisReport): GoalEstimate {
  const linked = report.build.artifact !== undefined;
  const crates = [...new Set(report.items.map((i) => i.crate))].sort();
  return {
    total: rows(report.items, linked),
    crates: crates.map((crate) => ({
      crate,
      rows: rows(
        report.items.filter((i) => i.crate === crate),
        linked,
      ),
    })),
  };
}
