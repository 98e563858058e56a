// Budgets for `asyncbloat check`, read from TOML. Every key is validated: an unknown or mistyped key is an
// error (with a suggestion), because a typo that silently disabled a budget would make the CI gate a lie.
//
// Where the configuration comes from (first that applies wins; implemented in config-load.ts, see docs/ci.md):
//   1. `--config FILE`: only that file (a Cargo.toml is read for its metadata tables, anything else as asyncbloat.toml);
//   2. `asyncbloat.toml` next to the crate's Cargo.toml (an error if that Cargo.toml also has metadata.asyncbloat);
//   3. `[package.metadata.asyncbloat]` of the crate's Cargo.toml layered over the workspace's configuration:
//      the asyncbloat.toml next to the workspace root's Cargo.toml, else its `[workspace.metadata.asyncbloat]`
//      (the root is the crate's own Cargo.toml or the nearest ancestor with a `[workspace]` table).
// In a workspace, `check` applies to each member's items what 1-3 give for that member (members.ts).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { didYouMean } from '../did-you-mean.ts';
import { UserError } from '../errors.ts';
import type { RuleLevel } from '../model/finding.ts';
import { RULES } from '../rules/index.ts';
import { type Growth, parseByteSize, parseGrowth, parsePercent } from './units.ts';

export interface ItemBudget {
  /** Glob over item paths (see itemMatches). */
  item: string;
  maxFutureBytes?: number;
  maxGrowth?: Growth;
  /** Largest poll fn stack frame allowed (`.stack_sizes`). */
  maxPollStackBytes?: number;
  /** Largest task static allowed (an embassy task pool), for tasks whose name or future the glob matches. */
  maxTaskBytes?: number;
}

export interface IgnoreEntry {
  item: string;
  reason: string;
  /** Budgets/rules ignored for the item; absent means all of them. */
  rules?: string[];
}

export interface BudgetConfig {
  /** Where the settings came from (`Cargo.toml [package.metadata.asyncbloat]`, ...); empty when none. */
  sources: string[];
  maxFutureBytes?: number;
  maxGrowth?: Growth;
  maxPollStackBytes?: number;
  maxTaskBytes?: number;
  /** Total RAM of all task statics. */
  maxTaskRam?: number;
  /** Futures over this size get box advice in `analyze` (its `--box-threshold` wins). */
  boxThreshold?: number;
  /** Percent of `.text` that async code may take, per crate. */
  maxAsyncTextShare?: number;
  /** Per-item budgets; the first entry whose glob matches an item applies to it. */
  budgets: ItemBudget[];
  rules: Record<string, RuleLevel>;
  ignores: IgnoreEntry[];
}

/** Budget names usable in `ignore.rules` and in suppression comments, besides the rule ids of findings. */
export const BUDGET_NAMES = ['future-size', 'future-growth', 'poll-stack', 'task-ram'] as const;

/** Every name a rule level, an ignore or a suppression comment may use. */
export function knownRuleNames(): string[] {
  return [...BUDGET_NAMES, ...RULES.map((r) => r.meta.id)];
}

export function emptyConfig(): BudgetConfig {
  return { sources: [], budgets: [], rules: {}, ignores: [] };
}

const TOP_KEYS = [
  'max-future-bytes',
  'max-growth',
  'max-poll-stack-bytes',
  'max-task-bytes',
  'max-task-ram',
  'box-threshold',
  'max-async-text-share',
  'rules',
  'budget',
  'ignore',
];
const BUDGET_KEYS = ['item', 'max-future-bytes', 'max-growth', 'max-poll-stack-bytes', 'max-task-bytes'];
const IGNORE_KEYS = ['item', 'reason', 'rules'];
const LEVELS: Record<string, RuleLevel> = { off: 'off', warn: 'warning', error: 'error' };

/** Context for error messages: which file, which table the settings live in, and the text to find lines in. */
interface Where {
  file: string;
  text: string;
  /** Dotted table path of the asyncbloat table, '' for an asyncbloat.toml. */
  table: string;
}

const normHeader = (h: string) => h.replace(/["'\s]/g, '');

/**
 * Best-effort 1-based line of `key` inside table `table` (the n-th `[[table]]` when `index` is given).
 * smol-toml gives positions only for syntax errors, so valid-but-wrong values are located in the text.
 */
function lineOf(text: string, table: string, key: string, index?: number): number | undefined {
  const lines = text.split('\n');
  const keyRe = new RegExp(`(^|[{,]\\s*)["']?${key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}["']?\\s*=`);
  let header = '';
  let arrayCount = -1;
  let fallback: number | undefined;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    const h = /^\[\[?([^\]]+)\]\]?/.exec(line);
    if (h) {
      header = normHeader(h[1]!);
      if (line.startsWith('[[') && header === table) arrayCount++;
      continue;
    }
    if (!keyRe.test(line)) continue;
    const inTable = header === table && (index === undefined || arrayCount === index);
    if (inTable) return i + 1;
    // Keys in inline tables / dotted keys sit under a parent header; remember the first such line.
    if (fallback === undefined && (table === '' || header.startsWith(table.split('.')[0]!))) fallback = i + 1;
  }
  return fallback;
}

function fail(w: Where, keyPath: string[], problem: string, help?: string, index?: number): never {
  const table = [w.table, ...keyPath.slice(0, -1)].filter(Boolean).join('.');
  const key = keyPath[keyPath.length - 1]!;
  // A missing key has no line of its own: point at the entry's `item`, else at the table's key.
  const line =
    lineOf(w.text, table, key, index) ??
    (index !== undefined ? lineOf(w.text, table, 'item', index) : undefined) ??
    lineOf(w.text, w.table, keyPath[0]!);
  const path = keyPath.map((k, i) => (i === 0 && index !== undefined ? `${k}[${index}]` : k));
  const full = [w.table, ...path].filter(Boolean).join('.');
  throw new UserError(
    `invalid configuration '${full}' in ${w.file}${line ? `:${line}` : ''}: ${problem}`,
    help,
  );
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : `${typeof v} ${String(v)}`);

export function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function checkKeys(
  w: Where,
  table: Record<string, unknown>,
  known: string[],
  path: string[],
  index?: number,
): void {
  for (const key of Object.keys(table)) {
    if (known.includes(key)) continue;
    const guess = didYouMean(key, known);
    fail(
      w,
      [...path, key],
      'unknown key',
      guess ? `did you mean '${guess}'?` : `known keys: ${known.join(', ')}`,
      index,
    );
  }
}

function byteSize(w: Where, v: unknown, path: string[], index?: number): number {
  const n = parseByteSize(v);
  if (n === null) {
    fail(
      w,
      path,
      `expected a byte size (an integer, or a string like "512 B" or "4 KiB"), found ${show(v)}`,
      undefined,
      index,
    );
  }
  return n;
}

function growth(w: Where, v: unknown, path: string[], index?: number): Growth {
  const g = parseGrowth(v);
  if (g === null) {
    fail(w, path, `expected a growth like "64 B" or "10%", found ${show(v)}`, undefined, index);
  }
  return g;
}

function nonEmptyString(w: Where, v: unknown, path: string[], index?: number): string {
  if (typeof v !== 'string' || v.trim() === '') {
    fail(
      w,
      path,
      `expected a non-empty string, found ${v === '' ? 'an empty string' : show(v)}`,
      undefined,
      index,
    );
  }
  return v;
}

const isBudgetName = (s: string) => (BUDGET_NAMES as readonly string[]).includes(s);

function ruleList(w: Where, v: unknown, path: string[], index?: number): string[] {
  if (!Array.isArray(v) || v.some((r) => typeof r !== 'string')) {
    fail(
      w,
      path,
      `expected an array of rule or budget names like ["future-size", "no-await"], found ${show(v)}`,
      undefined,
      index,
    );
  }
  const known = knownRuleNames();
  for (const name of v as string[]) {
    if (known.includes(name)) continue;
    const guess = didYouMean(name, known);
    fail(
      w,
      path,
      `unknown rule or budget '${name}'`,
      guess ? `did you mean '${guess}'?` : `known names: ${known.join(', ')}`,
      index,
    );
  }
  return v as string[];
}

function arrayOfTables(w: Where, v: unknown, key: string): Record<string, unknown>[] {
  if (!Array.isArray(v) || !v.every(isTable)) {
    const t = w.table ? `${w.table}.${key}` : key;
    fail(w, [key], `expected an array of tables (write each entry as [[${t}]])`);
  }
  return v as Record<string, unknown>[];
}

/** Validates one asyncbloat table (the contents of `[package.metadata.asyncbloat]` or of an asyncbloat.toml). */
function readConfigTable(table: Record<string, unknown>, w: Where): BudgetConfig {
  checkKeys(w, table, TOP_KEYS, []);
  const known = knownRuleNames();
  const config = emptyConfig();
  config.sources.push(w.table ? `${w.file} [${w.table}]` : w.file);
  if (table['max-future-bytes'] !== undefined) {
    config.maxFutureBytes = byteSize(w, table['max-future-bytes'], ['max-future-bytes']);
  }
  if (table['max-growth'] !== undefined) config.maxGrowth = growth(w, table['max-growth'], ['max-growth']);
  if (table['max-poll-stack-bytes'] !== undefined) {
    config.maxPollStackBytes = byteSize(w, table['max-poll-stack-bytes'], ['max-poll-stack-bytes']);
  }
  if (table['max-task-bytes'] !== undefined)
    config.maxTaskBytes = byteSize(w, table['max-task-bytes'], ['max-task-bytes']);
  if (table['max-task-ram'] !== undefined)
    config.maxTaskRam = byteSize(w, table['max-task-ram'], ['max-task-ram']);
  if (table['box-threshold'] !== undefined)
    config.boxThreshold = byteSize(w, table['box-threshold'], ['box-threshold']);
  const share = table['max-async-text-share'];
  if (share !== undefined) {
    const p = parsePercent(share);
    if (p === null || p > 100)
      fail(w, ['max-async-text-share'], `expected a percentage like "5%", found ${show(share)}`);
    config.maxAsyncTextShare = p;
  }
  const rules = table.rules;
  if (rules !== undefined) {
    if (!isTable(rules))
      fail(w, ['rules'], `expected a table of rule = "off" | "warn" | "error", found ${show(rules)}`);
    for (const [rule, level] of Object.entries(rules)) {
      if (!known.includes(rule)) {
        const guess = didYouMean(rule, known);
        fail(
          w,
          ['rules', rule],
          'unknown rule',
          guess ? `did you mean '${guess}'?` : `known rules: ${known.join(', ')}`,
        );
      }
      if (isBudgetName(rule)) {
        fail(w, ['rules', rule], `'${rule}' is a budget, not a rule; set its limit or use [[ignore]]`);
      }
      const mapped = typeof level === 'string' ? LEVELS[level] : undefined;
      if (!mapped) {
        const guess = typeof level === 'string' ? didYouMean(level, Object.keys(LEVELS)) : undefined;
        fail(
          w,
          ['rules', rule],
          `expected "off", "warn" or "error", found ${show(level)}`,
          guess ? `did you mean "${guess}"?` : undefined,
        );
      }
      config.rules[rule] = mapped;
    }
  }
  if (table.budget !== undefined) {
    arrayOfTables(w, table.budget, 'budget').forEach((entry, i) => {
      checkKeys(w, entry, BUDGET_KEYS, ['budget'], i);
      const budget: ItemBudget = { item: nonEmptyString(w, entry.item, ['budget', 'item'], i) };
      if (entry['max-future-bytes'] !== undefined) {
        budget.maxFutureBytes = byteSize(w, entry['max-future-bytes'], ['budget', 'max-future-bytes'], i);
      }
      if (entry['max-growth'] !== undefined) {
        budget.maxGrowth = growth(w, entry['max-growth'], ['budget', 'max-growth'], i);
      }
      if (entry['max-poll-stack-bytes'] !== undefined) {
        budget.maxPollStackBytes = byteSize(
          w,
          entry['max-poll-stack-bytes'],
          ['budget', 'max-poll-stack-bytes'],
          i,
        );
      }
      if (entry['max-task-bytes'] !== undefined) {
        budget.maxTaskBytes = byteSize(w, entry['max-task-bytes'], ['budget', 'max-task-bytes'], i);
      }
      if (
        budget.maxFutureBytes === undefined &&
        budget.maxGrowth === undefined &&
        budget.maxPollStackBytes === undefined &&
        budget.maxTaskBytes === undefined
      ) {
        fail(
          w,
          ['budget', 'item'],
          'a budget entry needs max-future-bytes, max-growth, max-poll-stack-bytes or max-task-bytes',
          undefined,
          i,
        );
      }
      config.budgets.push(budget);
    });
  }
  if (table.ignore !== undefined) {
    arrayOfTables(w, table.ignore, 'ignore').forEach((entry, i) => {
      checkKeys(w, entry, IGNORE_KEYS, ['ignore'], i);
      const item = nonEmptyString(w, entry.item, ['ignore', 'item'], i);
      if (entry.reason === undefined) {
        fail(
          w,
          ['ignore', 'reason'],
          `ignore of '${item}' has no reason`,
          'add reason = "why this item may exceed its budget"',
          i,
        );
      }
      const ignore: IgnoreEntry = { item, reason: nonEmptyString(w, entry.reason, ['ignore', 'reason'], i) };
      if (entry.rules !== undefined) ignore.rules = ruleList(w, entry.rules, ['ignore', 'rules'], i);
      config.ignores.push(ignore);
    });
  }
  return config;
}

export function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split('\n')[0];
      throw new UserError(`cannot parse ${file}:${e.line}:${e.column}: ${first}`);
    }
    throw e;
  }
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read configuration '${file}': ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
}

function dig(doc: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = doc;
  for (const p of path) v = isTable(v) ? v[p] : undefined;
  return v;
}

/** The asyncbloat table at `table` (dotted) of a parsed Cargo.toml, validated; undefined when absent. */
export function cargoTable(doc: Record<string, unknown>, text: string, file: string, table: string) {
  const v = dig(doc, table.split('.'));
  if (v === undefined) return undefined;
  const w = { file, text, table };
  if (!isTable(v)) fail(w, [], `expected a table, found ${show(v)}`);
  return readConfigTable(v, w);
}

/** Package settings over workspace settings: scalars from the package win, lists are concatenated. */
export function layerConfigs(top: BudgetConfig, under: BudgetConfig): BudgetConfig {
  const out: BudgetConfig = {
    sources: [...top.sources, ...under.sources],
    budgets: [...top.budgets, ...under.budgets],
    rules: { ...under.rules, ...top.rules },
    ignores: [...top.ignores, ...under.ignores],
  };
  const maxFutureBytes = top.maxFutureBytes ?? under.maxFutureBytes;
  const maxGrowth = top.maxGrowth ?? under.maxGrowth;
  const maxAsyncTextShare = top.maxAsyncTextShare ?? under.maxAsyncTextShare;
  const maxPollStackBytes = top.maxPollStackBytes ?? under.maxPollStackBytes;
  const boxThreshold = top.boxThreshold ?? under.boxThreshold;
  const maxTaskBytes = top.maxTaskBytes ?? under.maxTaskBytes;
  const maxTaskRam = top.maxTaskRam ?? under.maxTaskRam;
  if (maxTaskBytes !== undefined) out.maxTaskBytes = maxTaskBytes;
  if (maxTaskRam !== undefined) out.maxTaskRam = maxTaskRam;
  if (boxThreshold !== undefined) out.boxThreshold = boxThreshold;
  if (maxPollStackBytes !== undefined) out.maxPollStackBytes = maxPollStackBytes;
  if (maxFutureBytes !== undefined) out.maxFutureBytes = maxFutureBytes;
  if (maxGrowth !== undefined) out.maxGrowth = maxGrowth;
  if (maxAsyncTextShare !== undefined) out.maxAsyncTextShare = maxAsyncTextShare;
  return out;
}

/** Reads the configuration of the asyncbloat.toml or Cargo.toml text given (pure: no file access). */
export function parseConfigText(text: string, file: string): BudgetConfig {
  const doc = parseToml(text, file);
  if (basename(file) !== 'Cargo.toml') return readConfigTable(doc, { file, text, table: '' });
  const pkg = cargoTable(doc, text, file, 'package.metadata.asyncbloat');
  const ws = cargoTable(doc, text, file, 'workspace.metadata.asyncbloat');
  return layerConfigs(pkg ?? emptyConfig(), ws ?? emptyConfig());
}
