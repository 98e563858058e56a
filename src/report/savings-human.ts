// Terminal output of `asyncbloat savings`: what each rewritten item saved, the totals, root futures and .text
// per crate and the -Zasync-panic estimate, then the fixes that were measured. Deltas use the `diff`
// command's format. A replaced coroutine's future reads `40 B → replaced`: it still returns a future (not a
// coroutine, not measured), so no saving is claimed for it.

import { formatDelta } from '../budget/delta-text.ts';
import { fixHeader } from '../fix/plan.ts';
import type { ItemSavings, Savings } from '../fix/savings.ts';
import type { Colors } from './colors.ts';
import { STATUS_MARK } from './diff-common.ts';
import { formatBytes, textTable } from './text-table.ts';

// A short mark in the item column, explained once below the table: the explanation in every row made the
// table some 250 columns wide.
const NAME_MARK: Record<NonNullable<ItemSavings['removal']>, string> = {
  replaced: '(replaced)',
  'async-dropped': '(async dropped)',
};
const MARK_NOTE: Record<NonNullable<ItemSavings['removal']>, string> = {
  replaced:
    '(replaced): no coroutine of its own any more; it returns a ready future or the one it forwarded to.',
  'async-dropped': '(async dropped): `async` and the `.await`s on it are gone; it returns no future.',
};

function futureCell(i: ItemSavings): string {
  if (i.removal === 'replaced' && i.futureBytes.base !== null)
    return `${i.futureBytes.base} B \u2192 replaced`;
  return formatDelta(i.futureBytes);
}

const HEADER = ['', 'item', 'future', 'states', 'MIR lines', 'poll fn', 'code', 'panic sites (est.)'];

export function renderSavingsHuman(s: Savings, c: Colors, width?: number): string {
  const out: string[] = [];
  if (s.fixes.length === 0) {
    // Warnings still matter: fixes left out (maybe-incorrect, or not compiling) are why there is nothing.
    const warnings = s.warnings.map((w) => `${c.yellow('warning')}: ${w}\n`).join('');
    return `${c.bold('asyncbloat savings')}: nothing to fix, so nothing to measure\n${warnings}`;
  }
  out.push(
    `${c.bold('asyncbloat savings')}: ${s.fixes.length} fix${s.fixes.length === 1 ? '' : 'es'} applied to a copy and measured` +
      (s.unmeasured.length > 0 ? ` (${s.unmeasured.length} in files the build does not compile) ` : ' ') +
      c.dim(`(profile ${s.before.profile}, ${s.before.toolchain})`),
  );
  out.push(...comparisonLines(s, c, width, 'before \u2192 after the fixes'));
  if (s.box && s.box.length > 0) out.push('', ...boxEstimateLines(s.box, c, width));
  out.push('', c.bold('fixes:'));
  const where = (f: Savings['fixes'][number]) => `${f.rule}\0${f.file}\0${f.line}`;
  const unmeasured = new Set(s.unmeasured.map(where));
  for (const f of s.fixes) {
    out.push(
      `  ${fixHeader(f)}${unmeasured.has(where(f)) ? c.dim(' (not compiled by the measured build)') : ''}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** `savings --box`: each advised future's estimate from the layout beside rustc's size of the boxed build. */
function boxEstimateLines(rows: NonNullable<Savings['box']>, c: Colors, width?: number): string[] {
  const error = (r: (typeof rows)[number]) =>
    r.measuredBytes === null || r.measuredBytes === 0
      ? '-'
      : `${(((r.estimatedBytes - r.measuredBytes) / r.measuredBytes) * 100).toFixed(1)}%`;
  const frame = (n: number | null) => (n === null ? '–' : formatBytes(n));
  const table = textTable(
    ['item', 'before', 'estimated', 'measured', 'error', 'poll stack'],
    rows.map((r) => [
      r.root ? `${r.item} ${c.dim('(root)')}` : r.item,
      formatBytes(r.beforeBytes),
      formatBytes(r.estimatedBytes),
      formatBytes(r.measuredBytes),
      error(r),
      `${frame(r.pollFrameBytes.before)} → ${frame(r.pollFrameBytes.after)}`,
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right'],
    width,
  );
  return [c.bold('box advice: estimated from the layout, measured with every advised box applied'), table];
}

/**
 * The measured comparison: warnings, the item table with totals, each crate's root futures, async code and
 * .text, the panic-site estimate and the notes that explain the table. Shared by `savings` and `compare`;
 * `sides` names what the arrows go from and to.
 */
export function comparisonLines(s: Savings, c: Colors, width: number | undefined, sides: string): string[] {
  const out: string[] = [];
  for (const w of s.warnings) out.push(`${c.yellow('warning')}: ${w}`);
  const rows = s.items.map((i) => [
    STATUS_MARK[i.status],
    i.removal ? `${i.name} ${c.dim(NAME_MARK[i.removal])}` : i.name,
    futureCell(i),
    formatDelta(i.states, ''),
    formatDelta(i.mirLines, ''),
    formatDelta(i.pollBytes),
    formatDelta(i.codeBytes),
    formatDelta(i.panicBytes),
  ]);
  const t = s.totals;
  rows.push([
    '',
    c.bold('total'),
    `${formatDelta(t.futureBytes)}*`,
    formatDelta(t.states, ''),
    formatDelta(t.mirLines, ''),
    formatDelta(t.pollBytes),
    formatDelta(t.codeBytes),
    formatDelta(t.panicBytes),
  ]);
  if (s.items.length === 0) {
    out.push('', 'no async item of the measured build changed');
  } else {
    out.push(
      '',
      textTable(HEADER, rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'], width),
    );
  }
  out.push('');
  for (const k of s.crates) {
    const replaced =
      k.replacedRoots.length === 0
        ? ''
        : ` (not counting the replaced ${k.replacedRoots.length === 1 ? 'root' : 'roots'} ${k.replacedRoots.map((n) => `\`${n}\``).join(', ')}: no coroutine any more, not measured)`;
    out.push(
      `${k.name}: root futures ${formatDelta(k.rootFutureBytes)}${k.rootFutureBytes.delta === 0 ? ' (unchanged)' : ''}${replaced}, async code ${formatDelta(k.asyncCodeBytes)}, .text ${formatDelta(k.textBytes)}`,
    );
  }
  out.push(
    `estimated -Zasync-panic saving (panic call sites): ${formatDelta(s.asyncPanic)}` +
      c.dim(` \u2014 ${sides}`),
  );
  out.push(
    c.dim(
      'Root futures: items no other analysed item awaits (what an executor or block_on holds), the memory figure.',
    ),
    c.dim(
      '* sum over items (nested futures counted in their awaiters too); replaced items are left out of it.',
    ),
    c.dim(
      'MIR lines count coroutine bodies only; a removed coroutine counts 0 after, except the future of a replaced one.',
    ),
  );
  for (const removal of new Set(s.items.flatMap((i) => (i.removal ? [i.removal] : [])))) {
    out.push(c.dim(MARK_NOTE[removal]));
  }
  return out;
}
