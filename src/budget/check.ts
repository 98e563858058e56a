// Evaluates budgets and rule levels against a report (and, for growth, a baseline). Pure: the CLI reads the
// files and the suppression comments and passes them in.
import type { Finding } from '../model/finding.ts';
import type { AnalysisReport, AnalyzedItem } from '../model/report.ts';
import type { BudgetConfig, ItemBudget } from './config.ts';
import { diffReports, type GrowthCause, type ItemDiff, itemKey, type ReportDiff } from './diff.ts';
import { itemMatches } from './item-glob.ts';
import { formatCause } from './render-common.ts';
import type { Suppression } from './suppressions.ts';
import { formatGrowth, type Growth, signedBytes } from './units.ts';

export type BudgetName = 'future-size' | 'future-growth' | 'async-text-share' | 'rule';

export interface Violation {
  budget: BudgetName;
  level: 'error' | 'warning';
  /** For `rule`: the finding's rule id. */
  rule?: string;
  crate?: string;
  item?: string;
  file?: string;
  line?: number;
  /** The limit as configured (`512 B`, `10%`) and the measured value. */
  limit?: string;
  actual?: string;
  /** How far over the limit: bytes for sizes and growth, percentage points for shares. */
  over?: number;
  message: string;
  /** What grew inside the future (needs a baseline). */
  grew: GrowthCause[];
  finding?: Finding;
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
  config: BudgetConfig;
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

function locate(item: AnalyzedItem): Pick<Violation, 'crate' | 'item' | 'file' | 'line'> {
  return {
    crate: item.crate,
    item: item.name,
    ...(item.file !== undefined ? { file: item.file } : {}),
    ...(item.line !== undefined ? { line: item.line } : {}),
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

function findingViolation(item: AnalyzedItem, f: Finding, level: 'error' | 'warning'): Violation {
  return {
    budget: 'rule',
    level,
    rule: f.rule,
    crate: item.crate,
    item: f.item ?? item.name,
    file: f.file,
    line: f.line,
    message: f.message,
    grew: [],
    finding: f,
  };
}

/** The name a suppression or ignore must list to cover a violation. */
function suppressionName(v: Violation): string {
  return v.budget === 'rule' ? v.rule! : v.budget;
}

export function checkReport(input: CheckInput): CheckResult {
  const { head, base, config } = input;
  const diff = base ? diffReports(base, head) : undefined;
  const notes: string[] = [];
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
        (a.file ?? '').localeCompare(b.file ?? '') ||
        (a.line ?? 0) - (b.line ?? 0) ||
        (a.column ?? 0) - (b.column ?? 0),
    );
    return diffByKey.get(itemKey(item))?.[sorted.indexOf(item)];
  };

  const found: { item: AnalyzedItem; v: Violation }[] = [];
  let unsized = 0;
  let turnedOff = 0;
  for (const item of head.items) {
    const budget = budgetFor(config, item);
    const d = diffOf(item);
    const maxBytes = budget?.maxFutureBytes ?? config.maxFutureBytes;
    if (maxBytes !== undefined) {
      if (item.futureBytes === null) unsized++;
      const v = sizeViolation(item, maxBytes, d);
      if (v) found.push({ item, v });
    }
    const maxGrowth = budget?.maxGrowth ?? config.maxGrowth;
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
  if (turnedOff > 0) notes.push(`${turnedOff} finding(s) not shown: their rules are set to "off"`);
  const growthConfigured =
    config.maxGrowth !== undefined || config.budgets.some((b) => b.maxGrowth !== undefined);
  if (growthConfigured && !base) {
    notes.push(
      'max-growth is configured but no baseline was given (--baseline BASE.json); growth was not checked',
    );
  }

  const shareViolations: Violation[] = [];
  if (config.maxAsyncTextShare !== undefined) {
    for (const c of head.crates) {
      if (c.asyncCodeBytes === undefined || !c.textBytes) {
        notes.push(
          `crate ${c.name}: no .text/async code size in the report; max-async-text-share not checked`,
        );
        continue;
      }
      const share = (c.asyncCodeBytes / c.textBytes) * 100;
      if (share <= config.maxAsyncTextShare) continue;
      const over = share - config.maxAsyncTextShare;
      shareViolations.push({
        budget: 'async-text-share',
        level: 'error',
        crate: c.name,
        limit: pct(config.maxAsyncTextShare),
        actual: pct(share),
        over,
        message: `async code of crate ${c.name} is ${pct(share)} of .text (${c.asyncCodeBytes} of ${c.textBytes} B), over max-async-text-share ${pct(config.maxAsyncTextShare)} by ${pct(over)} points`,
        grew: [],
      });
    }
  }

  const suppressed: Suppressed[] = [];
  const usedIgnores = new Set<number>();
  const kept: Violation[] = [...shareViolations];
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
    const ignoreIndex = config.ignores.findIndex(
      (ig) => itemMatches(ig.item, item) && (!ig.rules || ig.rules.includes(name)),
    );
    if (ignoreIndex >= 0) {
      const ig = config.ignores[ignoreIndex]!;
      usedIgnores.add(ignoreIndex);
      suppressed.push({ violation: v, reason: ig.reason, via: `ignore '${ig.item}'` });
      continue;
    }
    kept.push(v);
  }
  config.ignores.forEach((ig, i) => {
    if (!usedIgnores.has(i) && !head.items.some((item) => itemMatches(ig.item, item))) {
      notes.push(`ignore '${ig.item}' matches no item (stale?)`);
    }
  });

  const violations = kept.filter((v) => v.level === 'error');
  const warnings = kept.filter((v) => v.level === 'warning');
  const byBudget = new Map<string, number>();
  for (const v of violations) byBudget.set(suppressionName(v), (byBudget.get(suppressionName(v)) ?? 0) + 1);
  const detail = [...byBudget].map(([k, n]) => `${n} ${k}`).join(', ');
  const tail = [
    warnings.length ? `${warnings.length} warning(s)` : '',
    suppressed.length ? `${suppressed.length} suppressed` : '',
  ].filter(Boolean);
  const summary =
    violations.length > 0
      ? `${violations.length} budget violation(s): ${detail}${tail.length ? `; ${tail.join(', ')}` : ''}`
      : `all budgets hold for ${head.items.length} async item(s)${tail.length ? `; ${tail.join(', ')}` : ''}`;
  return {
    passed: violations.length === 0,
    violations,
    warnings,
    suppressed,
    notes,
    ...(diff ? { diff } : {}),
    summary,
  };
}
