// Terminal output of `asyncbloat analyze`: one table row per async item, and `--explain ITEM` in depth.

import type { FlagDelta } from '../analyze/flag-delta.ts';
import { runtimeCodeBytes } from '../measure/code-parts.ts';
import { goalEstimate } from '../measure/goal-estimate.ts';
import { rootFutureBytes } from '../measure/root-futures.ts';
import type { AnalysisReport, AnalyzedItem, CodePart } from '../model/report.ts';
import { BOX_ESTIMATE_NOTE, boxAdviceLine, boxExplainLines } from './box-text.ts';
import { describeBuild } from './build-line.ts';
import { codeFamilies } from './code-families.ts';
import type { Colors } from './colors.ts';
import { goalLines } from './goal-rows.ts';
import { pollStackCell, showsStackColumn, stackExplainLines, stackNotes } from './stack-text.ts';
import {
  biggestTaskNote,
  DERIVED_NOTE,
  poolCell,
  STATIC_FUTURES_HEAD,
  slotCell,
  staticFutureRows,
  staticFuturesHeadline,
  taskExplainLines,
  taskHeadline,
} from './task-text.ts';
import { codeCell, formatBytes, printable, runtimeCell, textTable } from './text-table.ts';
import { NO_POLL_FN } from './wording.ts';

export function location(item: AnalyzedItem): string {
  return item.file ? `${printable(item.file)}:${item.line}:${item.column}` : '(macro-generated)';
}

function heldMax(item: AnalyzedItem): number | null {
  return item.heldAcrossAwait.length === 0 ? null : Math.max(...item.heldAcrossAwait.map((h) => h.bytes));
}

/** `width`: the terminal's, to fit the table in (undefined: not cut). */
export function renderAnalyzeTable(
  report: AnalysisReport,
  items: AnalyzedItem[],
  c: Colors,
  width?: number,
): string {
  const hasCode = items.some((i) => i.code !== undefined);
  const hasRuntime = items.some((i) => i.code && runtimeCodeBytes(i.code) > 0);
  const header = ['future', 'states', 'awaits', 'held max', 'MIR lines'];
  const hasStack = showsStackColumn(items);
  if (hasCode) header.push('code', ...(hasRuntime ? ['generic code'] : []), 'panic sites');
  if (hasStack) header.push('poll stack');
  // A dependency's items look like the user's own without their crate; name it when there are several.
  const manyCrates = new Set(items.map((i) => i.crate)).size > 1;
  header.push('findings', ...(manyCrates ? ['crate'] : []), 'item', 'location');
  const rows = items.map((i) => {
    const row = [
      formatBytes(i.futureBytes),
      i.states === null ? '-' : String(i.states),
      i.suspendPoints === null ? String(i.awaits ?? '-') : String(i.suspendPoints),
      formatBytes(heldMax(i)),
      i.mirLines === null ? '-' : String(i.mirLines),
    ];
    if (hasCode) {
      row.push(
        codeCell(i.code),
        ...(hasRuntime ? [runtimeCell(i.code)] : []),
        i.panicSites ? String(i.panicSites.resumed + i.panicSites.resumedPanic) : '-',
      );
    }
    if (hasStack) row.push(pollStackCell(i));
    row.push(
      i.findings.length ? c.yellow(String(i.findings.length)) : '0',
      ...(manyCrates ? [i.crate] : []),
      c.bold(i.name),
      c.dim(location(i)),
    );
    return row;
  });
  const leftFrom = header.indexOf('findings') + 1;
  const align = header.map((_, k) => (k < leftFrom ? 'right' : 'left') as 'left' | 'right');
  const lines = [c.dim(describeBuild(report.build)), textTable(header, rows, align, width)];
  const total = items.reduce((s, i) => s + (i.futureBytes ?? 0), 0);
  // The sum over rows counts an awaited future in its awaiter too; the root futures are the memory figure.
  const roots = rootFutureBytes(report);
  lines.push(
    `${report.items.length} async items (${items.length} shown)` +
      (roots === null ? '' : `; root futures ${formatBytes(roots)}`) +
      `; ${formatBytes(total)} summed over the items shown (an awaited future counts in its awaiter too)` +
      report.crates
        .filter((k) => k.textBytes !== undefined)
        .map(
          (k) =>
            `; ${k.name}: ${formatBytes(k.asyncCodeBytes)} async code of ${formatBytes(k.textBytes)} .text`,
        )
        .join(''),
  );
  for (const note of [...dashNotes(report, items), ...stackNotes(report, items)]) lines.push(c.dim(note));
  lines.push(...taskRamSection(report, c, width));
  lines.push(...staticFuturesSection(report, c, width));
  const advice = items.flatMap((i) => boxAdviceLine(i) ?? []);
  if (advice.length > 0)
    lines.push(
      '',
      c.bold('Where to Box::pin:'),
      ...advice.map((l) => `  ${l}`),
      c.dim(`note: ${BOX_ESTIMATE_NOTE}`),
    );
  const goals = goalLines(goalEstimate(report));
  if (goals.length > 0) lines.push('', ...goals.map((l, k) => (k === 0 ? l : c.dim(l))));
  for (const u of report.unparsed) {
    lines.push(
      c.yellow(
        `warning: ${u.count} line(s) of ${u.source} could not be parsed; first: ${JSON.stringify(u.example)}`,
      ),
    );
  }
  return lines.join('\n');
}

/** Why cells say `-`: each reason once, with what to do about it. */
export function dashNotes(report: AnalysisReport, items: AnalyzedItem[]): string[] {
  const notes: string[] = [];
  const uncompiled = items.filter((i) => i.states === null && i.origin === 'scan').length;
  if (uncompiled > 0) {
    notes.push(
      `note: ${uncompiled} item${uncompiled === 1 ? ' was' : 's were'} not compiled in this build (a target not built, or cfg/feature-gated out): no numbers`,
    );
  }
  const generic = items.filter((i) => i.states !== null && i.futureBytes === null).length;
  if (generic > 0) {
    notes.push(
      `note: ${generic} item${generic === 1 ? ' has' : 's have'} no layout: a generic future is laid out only where it is instantiated; ${
        report.build.deps
          ? 'no crate of this build instantiates it, or its instances could not be told apart'
          : `analyze the crate that uses ${generic === 1 ? 'it' : 'them'} (with --deps to see them there)`
      }`,
    );
  }
  const noPoll = items.filter((i) => i.code?.inlined).length;
  if (noPoll > 0 && report.build.artifact !== undefined) {
    notes.push(
      `note: ${noPoll} item${noPoll === 1 ? ' has' : 's have'} no poll fn symbol: ${noPoll === 1 ? 'its' : 'their'} poll code and panic sites, when inlined, are counted in the caller's symbol, so per-item code and the async share of .text are lower bounds`,
    );
  }
  if (items.length > 0 && report.build.artifact === undefined) {
    notes.push(
      'note: no machine code: this build links no binary, cdylib or staticlib; a library alone has no final code (analyze a bin or --example that uses it)',
    );
  }
  return notes;
}

/** How many generic function families `--explain` lists before it sums the rest. */
const EXPLAIN_FAMILIES = 10;

export function renderExplain(
  item: AnalyzedItem,
  c: Colors,
  opts: {
    allSymbols?: boolean;
    build?: AnalysisReport['build'];
    report?: Pick<AnalysisReport, 'tasks'>;
  } = {},
): string {
  const out: string[] = [];
  out.push(`${c.bold(item.name)} (${item.kind}, crate ${item.crate}) at ${location(item)}`);
  out.push(
    `  future: ${formatBytes(item.futureBytes)}   states: ${item.states ?? '-'}   awaits: ${item.suspendPoints ?? item.awaits ?? '-'}   MIR: ${item.mirLines ?? '-'} lines, ${item.basicBlocks ?? '-'} blocks`,
  );
  if (item.states === null && item.origin === 'scan') {
    out.push(
      c.dim(
        '  rustc emitted no poll body for it: not compiled in this build (unused, generic and never instantiated, or cfg-d out)',
      ),
    );
  }
  if (item.states !== null && item.futureBytes === null) {
    out.push(
      c.dim(
        '  no layout: rustc lays out a generic future only where it is instantiated with concrete types; analyze the crate that uses it (--deps from there)',
      ),
    );
  }
  if (item.panicPaths) {
    const p = [
      item.panicPaths.resumedAfterCompletion ? '"resumed after completion"' : '',
      item.panicPaths.resumedAfterPanic ? '"resumed after panicking"' : '',
    ].filter(Boolean);
    out.push(`  panic paths: ${p.length ? p.join(', ') : 'none'}`);
  }
  if (item.layouts.length > 1) {
    out.push('  instantiations:');
    for (const l of item.layouts) out.push(`    ${formatBytes(l.bytes).padStart(9)}  ${l.typeName}`);
  }
  if (item.heldAcrossAwait.length) {
    out.push('  held across each await:');
    for (const h of item.heldAcrossAwait) {
      out.push(`    ${h.state}${h.line ? ` (line ${h.line})` : ''}: ${formatBytes(h.bytes)}`);
      for (const f of h.fields) {
        out.push(
          c.dim(
            `      ${formatBytes(f.bytes).padStart(9)}  ${f.kind} ${fieldLabel(f.name)}${f.type ? `: ${f.type}` : ''}`,
          ),
        );
      }
    }
  }
  if (item.duplicatedArgs.length) {
    out.push(
      `  arguments stored twice (rust#62958): ${item.duplicatedArgs.map((d) => `${d.name} (${formatBytes(d.bytes)})`).join(', ')}`,
    );
  }
  if (item.children.length) {
    out.push('  awaitee children:');
    for (const ch of item.children) {
      out.push(`    ${formatBytes(ch.bytes).padStart(9)}  ${ch.item ?? ch.typeName}  (in ${ch.state})`);
    }
  }
  if (item.code) {
    out.push(
      item.code.codeBytes === 0
        ? '  machine code: no symbol in the binary (never used by it, or inlined entirely)'
        : `  machine code: ${item.code.inlined ? `${NO_POLL_FN}; ` : ''}${formatBytes(item.code.codeBytes)}` +
            (runtimeCodeBytes(item.code) > 0
              ? `, of which ${formatBytes(runtimeCodeBytes(item.code))} is generic code instantiated for its type`
              : ''),
    );
    const part = (p: CodePart) =>
      c.dim(
        `    ${formatBytes(p.bytes).padStart(9)}  ${p.kind}${p.copies > 1 ? ` x${p.copies}` : ''}  ${p.symbol}${p.frameBytes ? `  (frame ${formatBytes(p.frameBytes)})` : ''}`,
      );
    // The item's own poll fns and drop glue, symbol by symbol; generic code, which for a spawned future is
    // hundreds of executor symbols, by function family unless every symbol was asked for.
    const runtime = item.code.parts.filter((p) => p.kind === 'runtime');
    for (const p of item.code.parts) if (p.kind !== 'runtime' || opts.allSymbols) out.push(part(p));
    if (!opts.allSymbols && runtime.length > 0) {
      const families = codeFamilies(runtime);
      const shown = families.slice(0, EXPLAIN_FAMILIES);
      out.push(`  generic code by function (${runtime.length} symbols in ${families.length} functions):`);
      for (const f of shown) {
        out.push(c.dim(`    ${formatBytes(f.bytes).padStart(9)}  x${f.symbols}  ${f.family}`));
      }
      const rest = families.slice(EXPLAIN_FAMILIES);
      if (rest.length > 0) {
        const bytes = rest.reduce((n, f) => n + f.bytes, 0);
        out.push(
          c.dim(
            `    ${formatBytes(bytes).padStart(9)}  in ${rest.length} more functions (--all-symbols lists every symbol)`,
          ),
        );
      }
    }
  }
  if (opts.build) out.push(...stackExplainLines(item, { build: opts.build }));
  out.push(...boxExplainLines(item));
  if (opts.report) out.push(...taskExplainLines(item, opts.report));
  if (item.panicSites) {
    out.push(
      `  panic call sites: ${item.panicSites.resumed} resumed + ${item.panicSites.resumedPanic} resumed_panic = ${formatBytes(item.panicSites.bytes)}`,
    );
  }
  for (const f of item.findings)
    out.push(`  ${c.yellow(`${f.severity}[${f.rule}]`)}: ${f.message}\n    = help: ${f.help}`);
  // The rewrites replace the coroutine, not what the executor instantiates for the future's type: that
  // code is instantiated again for the replacement (`Ready<T>`, the inner future).
  const generic = item.code ? runtimeCodeBytes(item.code) : 0;
  if (generic > 0 && item.findings.some((f) => f.fix)) {
    out.push(
      c.dim(
        `    = note: the fix removes the coroutine, not the ${formatBytes(generic)} of generic code instantiated for its type: that is instantiated again for the future that replaces it`,
      ),
    );
  }
  return out.join('\n');
}

/** The measured effect of a flag (`-Zasync-panic=false`) next to the panic-site estimate. */
export function renderFlagDelta(d: FlagDelta): string {
  const out = [`measured with ${d.flags.join(' ')}:`];
  if (d.textBytes) {
    const saved = d.textBytes.before - d.textBytes.after;
    out.push(
      `  .text ${formatBytes(d.textBytes.before)} -> ${formatBytes(d.textBytes.after)}: ${formatBytes(saved)} saved`,
    );
  }
  out.push(`  estimate from panic call sites: ${formatBytes(d.estimatedPanicBytes)}`);
  for (const i of d.items) {
    if (i.codeBefore === null || i.codeAfter === null || i.codeBefore === i.codeAfter) continue;
    out.push(`  ${formatBytes(i.codeBefore - i.codeAfter).padStart(9)}  ${i.name}`);
  }
  return out.join('\n');
}

/**
 * rustc names a value it keeps across an await without a binding of its own `.coroutine_fieldN` (e.g. the
 * result of `a().await` in `a().await + b().await`); say what it is instead.
 */
export function fieldLabel(name: string): string {
  return /^\.coroutine_field\d+$/.test(name) ? '(temporary held across the await)' : name;
}

/** Statics other than task pools that hold a future (nightly's `StaticCell<impl Future>`). */
function staticFuturesSection(report: AnalysisReport, c: Colors, width?: number): string[] {
  const headline = staticFuturesHeadline(report);
  if (!headline) return [];
  const rows = staticFutureRows(report).map((r) => [r[0]!, r[1]!, c.bold(r[2]!), r[3]!, c.dim(r[4]!)]);
  const table = textTable(STATIC_FUTURES_HEAD, rows, ['right', 'left', 'left', 'left', 'left'], width);
  return ['', c.bold(headline), table];
}

/** The "RAM per task" section: one row per task static, the total and its share, the biggest task. */
function taskRamSection(report: AnalysisReport, c: Colors, width?: number): string[] {
  const headline = taskHeadline(report);
  if (!headline) return [];
  const tasks = report.tasks!;
  const table = textTable(
    ['bytes', 'pool', 'slot (header + future + padding)', 'task', 'static', 'location'],
    tasks.map((t) => [
      formatBytes(t.bytes),
      poolCell(t),
      slotCell(t),
      c.bold(t.name),
      t.symbol,
      c.dim(t.file ? `${t.file}:${t.line}` : ''),
    ]),
    ['right', 'right', 'right', 'left', 'left', 'left'],
    width,
  );
  const out = ['', c.bold(headline), table];
  const biggest = biggestTaskNote(report);
  if (biggest) out.push(c.dim(`note: ${biggest}`));
  if (tasks.some((t) => t.poolSizeSource === 'derived')) out.push(c.dim(DERIVED_NOTE));
  return out;
}
