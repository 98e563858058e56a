// Evaluates budgets and rule levels against a report (and, for growth, a baseline). Pure: the CLI reads the
// files and the suppression comments and passes them in.

import { itemKey } from '../analyze/item-keys.ts';
import type { Finding } from '../model/finding.ts';
import type { AnalysisReport, AnalyzedItem } from '../model/report.ts';
import { compareText } from '../text-order.ts';
import type { BudgetConfig, ItemBudget } from './config.ts';
import { formatCause } from './delta-text.ts';
import { diffReports, type GrowthCause, type ItemDiff, type ReportDiff } from './diff.ts';
import { itemMatches, suggestGlob } from './item-glob.ts';
import { configScopes, type MemberConfig } from './members.ts';
import type { Suppression } from './suppressions.ts';
import { formatGrowth, type Growth, signedBytes } from './units.ts';

export type BudgetName =
  | 'future-size'
  | 'future-growth'
  | 'poll-stack'
  | 'task-ram'
  | 'async-text-share'
  | 'rule';

/**
 * A broken budget (`future-size`, `future-growth`, `async-text-share`) or a rule finding (`budget: 'rule'`).
 * Every key is always present, `null` where it does not apply, so that the JSON has one shape
 * (documented in docs/ci.md): `rule` and `finding` only for rule findings; `limit`, `actual` and `over` only
 * for budgets; `item`, `file` and `line` not for `async-text-share`, which is per crate.
 */
export interface Violation {
  budget: BudgetName;
  level: 'error' | 'warning';
  /** For `rule`: the finding's rule id. */
  rule: string | null;
  crate: string | null;
  item: string | null;
  file: string | null;
  line: number | null;
  /** The limit as configured (`512 B`, `10%`) and the measured value. */
  limit: string | null;
  actual: string | null;
  /** How far over the limit: bytes for sizes and growth, percentage points for shares. */
  over: number | null;
  message: string;
  /** What grew inside the future (needs a baseline). */
  grew: GrowthCause[];
  /** For `rule`: the finding itself (help, span, fix). */
  finding: Finding | null;
}

export interface Suppressed {
  violation: Violation;
  reason: string;
  /** `comment at src/radio.rs:12` or `ignore 'radio::*' in Cargo.toml ...`. */
  via: string;
}

export interface CheckResult {
  passed: boolean;
  /** Broken budgets and findings at error level: these make `check` exit 1. */
  violations: Violation[];
  /** Findings at warning level. */
  warnings: Violation[];
  suppressed: Suppressed[];
  /** What could not be checked and why (nothing is skipped silently). */
  notes: string[];
  diff?: ReportDiff;
  summary: string;
}

export interface CheckInput {
  head: AnalysisReport;
  base?: AnalysisReport;
  /** The configuration of PATH: for items of no workspace member (all items when `members` is absent). */
  config: BudgetConfig;
  /** Workspace members and their configurations: a member's applies to its items (see members.ts). */
  members?: MemberConfig[];
  /** Suppression comments above an item (read by the caller from the item's source file). */
  suppressionsFor?: (item: AnalyzedItem) => Suppression[];
}

const pct = (n: number) => `${Number(n.toFixed(1))}%`;

function describeGrowth(causes: GrowthCause[]): string {
  const shown = causes.slice(0, 3).map((c) => formatCause(c));
  if (causes.length > 3) shown.push(`and ${causes.length - 3} more`);
  return shown.join('; ');
}

function budgetFor(config: BudgetConfig, item: AnalyzedItem): ItemBudget | undefined {
  return config.budgets.find((b) => itemMatches(b.item, item));
}

type Located = Pick<Violation, 'rule' | 'crate' | 'item' | 'file' | 'line' | 'finding'>;

function locate(item: AnalyzedItem): Located {
  return {
    rule: null,
    crate: item.crate,
    item: item.name,
    file: item.file ?? null,
    line: item.line ?? null,
    finding: null,
  };
}

function sizeViolation(item: AnalyzedItem, limit: number, d: ItemDiff | undefined): Violation | undefined {
  if (item.futureBytes === null || item.futureBytes <= limit) return undefined;
  const over = item.futureBytes - limit;
  const grew = d?.grew ?? [];
  const change = d && (d.futureBytes.delta ?? 0) !== 0 ? ` (was ${d.futureBytes.base} B)` : '';
  const why = grew.length ? `; grew: ${describeGrowth(grew)}` : '';
  return {
    budget: 'future-size',
    level: 'error',
    ...locate(item),
    limit: `${limit} B`,
    actual: `${item.futureBytes} B`,
    over,
    message: `future of \`${item.name}\` is ${item.futureBytes} B${change}, over max-future-bytes ${limit} B by ${over} B${why}`,
    grew,
  };
}

function pollStackViolation(item: AnalyzedItem, limit: number): Violation | undefined {
  const frame = item.stack?.pollFrameBytes;
  if (frame == null || frame <= limit) return undefined;
  const over = frame - limit;
  return {
    budget: 'poll-stack',
    level: 'error',
    ...locate(item),
    limit: `${limit} B`,
    actual: `${frame} B`,
    over,
    message: `polling \`${item.name}\` needs a ${frame} B stack frame, over max-poll-stack-bytes ${limit} B by ${over} B (its future is ${item.futureBytes ?? '?'} B)`,
    grew: [],
  };
}

function growthViolation(item: AnalyzedItem, limit: Growth, d: ItemDiff): Violation | undefined {
  const { base, head, delta } = d.futureBytes;
  if (base === null || head === null || delta === null || delta <= 0) return undefined;
  const allowed =
    'bytes' in limit ? limit.bytes : base > 0 ? (base * limit.percent) / 100 : Number.POSITIVE_INFINITY;
  if (delta <= allowed) return undefined;
  const over = Math.ceil(delta - allowed);
  const relative = base > 0 ? ` (${base} B \u2192 ${head} B, +${pct((delta / base) * 100)})` : '';
  const why = d.grew.length ? `; grew: ${describeGrowth(d.grew)}` : '';
  return {
    budget: 'future-growth',
    level: 'error',
    ...locate(item),
    limit: formatGrowth(limit),
    actual: signedBytes(delta),
    over,
    message: `future of \`${item.name}\` grew by ${delta} B${relative}, over max-growth ${formatGrowth(limit)} by ${over} B${why}`,
    grew: d.grew,
  };
}

/**
 * The finding's file as the report's other paths are written (relative to the report's root). Findings of
 * a workspace member can carry a path relative to the member's directory (`src/lib.rs` for
 * `app/src/lib.rs`); the item's own file names the same file from the root, so it is used then.
 */
function findingFile(item: AnalyzedItem, f: Finding): string {
  return item.file && item.file !== f.file && item.file.endsWith(`/${f.file}`) ? item.file : f.file;
}

function findingViolation(item: AnalyzedItem, f: Finding, level: 'error' | 'warning'): Violation {
  return {
    budget: 'rule',
    level,
    rule: f.rule,
    crate: item.crate,
    item: f.item ?? item.name,
    file: findingFile(item, f),
    line: f.line,
    limit: null,
    actual: null,
    over: null,
    message: f.message,
    grew: [],
    finding: f,
  };
}

/** The name a suppression or ignore must list to cover a violation. */
function suppressionName(v: Violation): string {
  return v.budget === 'rule' ? v.rule! : v.budget;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `(future-size)` when all are of one kind, else `(2 future-size, 1 future-growth)`. */
function kinds(vs: Violation[]): string {
  const count = new Map<string, number>();
  for (const v of vs) count.set(suppressionName(v), (count.get(suppressionName(v)) ?? 0) + 1);
  if (count.size === 1) return `(${[...count.keys()][0]})`;
  return `(${[...count].map(([k, n]) => `${n} ${k}`).join(', ')})`;
}

/**
 * One line: broken budgets and error-level rule findings counted apart, since they are fixed differently
 * (`2 budgets exceeded (future-size), 1 rule finding at error level (duplicate-arm-awaits); 1 warning`).
 */
function summarize(violations: Violation[], warnings: number, suppressed: number, items: number): string {
  const budgets = violations.filter((v) => v.budget !== 'rule');
  const rules = violations.filter((v) => v.budget === 'rule');
  const tail = [
    warnings ? plural(warnings, 'warning') : '',
    suppressed ? `${suppressed} suppressed` : '',
  ].filter(Boolean);
  const main = [
    budgets.length ? `${plural(budgets.length, 'budget')} exceeded ${kinds(budgets)}` : '',
    rules.length ? `${plural(rules.length, 'rule finding')} at error level ${kinds(rules)}` : '',
  ].filter(Boolean);
  const head = main.length > 0 ? main.join(', ') : `all budgets hold for ${plural(items, 'async item')}`;
  return `${head}${tail.length ? `; ${tail.join(', ')}` : ''}`;
}

/**
 * `[[budget]]` and `[[ignore]]` entries whose item glob matches no async item of the report: a typo
 * (`storage::*` for `store::*`) or an item that is gone. Not an error: a budget for items that come and go
 * (behind a feature, in a member not built) is legitimate, but it must not go unnoticed that it applied to
 * nothing. Members' configurations repeat the workspace's entries, so each distinct entry is named once.
 */
function unmatchedEntries(configs: BudgetConfig[], items: AnalyzedItem[]): string[] {
  const seen = new Set<string>();
  const notes: string[] = [];
  const entries = configs.flatMap((c) => [
    // A task budget's glob names tasks, which taskViolations checks against the tasks.
    ...c.budgets.filter((b) => !onlyTaskLimit(b)).map((b) => ['budget', b.item] as const),
    ...c.ignores.map((ig) => ['ignore', ig.item] as const),
  ]);
  for (const [what, glob] of entries) {
    const key = `${what}\u0000${glob}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (items.some((item) => itemMatches(glob, item))) continue;
    const guess = suggestGlob(glob, items);
    const effect = what === 'budget' ? 'its limits apply to nothing' : 'it suppresses nothing';
    notes.push(
      `${what} '${glob}' matches no async item in the report, so ${effect}${guess ? `; did you mean '${guess}'?` : ''}`,
    );
  }
  return notes;
}

export function checkReport(input: CheckInput): CheckResult {
  const { head, base } = input;
  const scopes = configScopes(input.config, input.members ?? [], head.items);
  const diff = base ? diffReports(base, head) : undefined;
  const notes: string[] = [...scopes.notes];
  // diff items are in key order with duplicates in source order; index them the same way to pair them back.
  const diffByKey = new Map<string, ItemDiff[]>();
  for (const d of diff?.items ?? []) {
    if (d.status === 'removed') continue;
    const k = itemKey(d);
    diffByKey.set(k, [...(diffByKey.get(k) ?? []), d]);
  }
  const occurrences = new Map<string, AnalyzedItem[]>();
  for (const item of head.items)
    occurrences.set(itemKey(item), [...(occurrences.get(itemKey(item)) ?? []), item]);
  const diffOf = (item: AnalyzedItem): ItemDiff | undefined => {
    const group = occurrences.get(itemKey(item))!;
    const sorted = [...group].sort(
      (a, b) =>
        compareText(a.file ?? '', b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.column ?? 0) - (b.column ?? 0),
    );
    return diffByKey.get(itemKey(item))?.[sorted.indexOf(item)];
  };

  const found: { item: AnalyzedItem; v: Violation }[] = [];
  let unsized = 0;
  let unframed = 0;
  let turnedOff = 0;
  let growthConfigured = false;
  for (const item of head.items) {
    const config = scopes.forItem(item);
    const budget = budgetFor(config, item);
    const d = diffOf(item);
    const maxBytes = budget?.maxFutureBytes ?? config.maxFutureBytes;
    if (maxBytes !== undefined) {
      if (item.futureBytes === null) unsized++;
      const v = sizeViolation(item, maxBytes, d);
      if (v) found.push({ item, v });
    }
    const maxStack = budget?.maxPollStackBytes ?? config.maxPollStackBytes;
    if (maxStack !== undefined) {
      if (item.stack?.pollFrameBytes == null && item.states !== null) unframed++;
      const v = pollStackViolation(item, maxStack);
      if (v) found.push({ item, v });
    }
    const maxGrowth = budget?.maxGrowth ?? config.maxGrowth;
    if (maxGrowth !== undefined) growthConfigured = true;
    if (maxGrowth !== undefined && d && d.status !== 'added') {
      const v = growthViolation(item, maxGrowth, d);
      if (v) found.push({ item, v });
    }
    for (const f of item.findings) {
      const level = config.rules[f.rule] ?? f.severity;
      if (level === 'off') turnedOff++;
      else found.push({ item, v: findingViolation(item, f, level) });
    }
  }
  if (unsized > 0)
    notes.push(
      `${unsized} item(s) have no future size in the report (rustc printed no layout); max-future-bytes could not be checked for them`,
    );
  if (unframed > 0)
    notes.push(
      `${unframed} item(s) have no poll fn frame in the report (inlined into a caller, not linked, or no .stack_sizes); max-poll-stack-bytes could not be checked for them`,
    );
  if (turnedOff > 0) notes.push(`${turnedOff} finding(s) not shown: their rules are set to "off"`);
  if (growthConfigured && !base) {
    notes.push(
      'max-growth is configured but no baseline was given (--baseline BASE.json); growth was not checked',
    );
  }

  const shareViolations: Violation[] = [];
  for (const c of head.crates) {
    const maxShare = scopes.forCrate(c.name).maxAsyncTextShare;
    if (maxShare === undefined) continue;
    if (c.asyncCodeBytes === undefined || !c.textBytes) {
      notes.push(`crate ${c.name}: no .text/async code size in the report; max-async-text-share not checked`);
      continue;
    }
    const share = (c.asyncCodeBytes / c.textBytes) * 100;
    if (share <= maxShare) continue;
    const over = share - maxShare;
    shareViolations.push({
      budget: 'async-text-share',
      level: 'error',
      rule: null,
      crate: c.name,
      item: null,
      file: null,
      line: null,
      limit: pct(maxShare),
      actual: pct(share),
      over,
      message: `async code of crate ${c.name} is ${pct(share)} of .text (${c.asyncCodeBytes} of ${c.textBytes} B), over max-async-text-share ${pct(maxShare)} by ${pct(over)} points`,
      grew: [],
      finding: null,
    });
  }

  const suppressed: Suppressed[] = [];
  const kept: Violation[] = [...shareViolations, ...taskViolations(head, input.config, notes)];
  for (const { item, v } of found) {
    const name = suppressionName(v);
    const comment = input.suppressionsFor?.(item).find((s) => s.rules.includes(name));
    if (comment) {
      suppressed.push({
        violation: v,
        reason: comment.reason,
        via: `comment at ${item.file}:${comment.line}`,
      });
      continue;
    }
    const ig = scopes
      .forItem(item)
      .ignores.find((ig) => itemMatches(ig.item, item) && (!ig.rules || ig.rules.includes(name)));
    if (ig) {
      suppressed.push({ violation: v, reason: ig.reason, via: `ignore '${ig.item}'` });
      continue;
    }
    kept.push(v);
  }
  // A member whose crates have no item in the report was not applied (a note says so): its globs are not
  // typos to report.
  const applied = (input.members ?? []).filter((m) => head.items.some((i) => m.crates.includes(i.crate)));
  notes.push(...unmatchedEntries([input.config, ...applied.map((m) => m.config)], head.items));

  const violations = kept.filter((v) => v.level === 'error');
  const warnings = kept.filter((v) => v.level === 'warning');
  return {
    passed: violations.length === 0,
    violations,
    warnings,
    suppressed,
    notes,
    ...(diff ? { diff } : {}),
    summary: summarize(violations, warnings.length, suppressed.length, head.items.length),
  };
}

function onlyTaskLimit(b: ItemBudget): boolean {
  return (
    b.maxTaskBytes !== undefined &&
    b.maxFutureBytes === undefined &&
    b.maxGrowth === undefined &&
    b.maxPollStackBytes === undefined
  );
}

/**
 * `max-task-bytes` (each task static; a `[[budget]]` glob matches the task's name or its future's item) and
 * `max-task-ram` (all of them): the RAM of embassy task pools, from the symbol table.
 */
function taskViolations(head: AnalysisReport, config: BudgetConfig, notes: string[]): Violation[] {
  const tasks = head.tasks ?? [];
  const configured =
    config.maxTaskBytes !== undefined ||
    config.maxTaskRam !== undefined ||
    config.budgets.some((b) => b.maxTaskBytes !== undefined);
  if (!configured) return [];
  if (head.tasks === undefined) {
    notes.push(
      'the report has no task statics (no linked artifact): max-task-bytes and max-task-ram were not checked',
    );
    return [];
  }
  const out: Violation[] = [];
  const base = { level: 'error' as const, rule: null, grew: [], finding: null };
  for (const t of tasks) {
    const named = [
      { crate: t.crate, name: t.name },
      ...(t.future ? [{ crate: t.crate, name: t.future }] : []),
    ];
    const entry = config.budgets.find(
      (b) => b.maxTaskBytes !== undefined && named.some((n) => itemMatches(b.item, n)),
    );
    const limit = entry?.maxTaskBytes ?? config.maxTaskBytes;
    if (limit === undefined || t.bytes <= limit) continue;
    out.push({
      ...base,
      budget: 'task-ram',
      crate: t.crate,
      item: t.name,
      file: t.file ?? null,
      line: t.line ?? null,
      limit: `${limit} B`,
      actual: `${t.bytes} B`,
      over: t.bytes - limit,
      message: `task \`${t.name}\` takes ${t.bytes} B of RAM (\`${t.symbol}\`: ${t.poolSize ?? '?'} × ${t.slotBytes ?? '?'} B), over max-task-bytes ${limit} B by ${t.bytes - limit} B`,
    });
  }
  const total = tasks.reduce((n, t) => n + t.bytes, 0);
  if (config.maxTaskRam !== undefined && total > config.maxTaskRam) {
    out.push({
      ...base,
      budget: 'task-ram',
      crate: null,
      item: null,
      file: null,
      line: null,
      limit: `${config.maxTaskRam} B`,
      actual: `${total} B`,
      over: total - config.maxTaskRam,
      message: `the ${tasks.length} task statics take ${total} B of RAM, over max-task-ram ${config.maxTaskRam} B by ${total - config.maxTaskRam} B`,
    });
  }
  return out;
}
