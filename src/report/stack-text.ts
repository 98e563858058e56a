// Stack bytes per poll in text formats (terminal, Markdown): the poll-frame column, its notes and the
// `--explain` lines. Frames are LLVM's own (`.stack_sizes`); where they are unknown the cell says `–`
// and a note says why, never a guess.
import { frameOutgrowsFuture, LARGE_FRAME_ADVICE, LARGE_FRAME_BYTES } from '../measure/stack-use.ts';
import type { AnalysisReport, AnalyzedItem, StackUse } from '../model/report.ts';
import { formatBytes } from './text-table.ts';

/** The table shows a poll-stack column when any item's poll frame passes 1 KiB. */
export function showsStackColumn(items: AnalyzedItem[]): boolean {
  return items.some((i) => (i.stack?.pollFrameBytes ?? 0) > LARGE_FRAME_BYTES);
}

export function pollStackCell(item: AnalyzedItem): string {
  if (item.stack?.pollFrameBytes != null) return formatBytes(item.stack.pollFrameBytes);
  return item.code?.inlined ? 'inlined' : '–';
}

/** Notes under the table: frames larger than their future, and why frames are unknown. */
export function stackNotes(report: AnalysisReport, items: AnalyzedItem[]): string[] {
  const notes: string[] = [];
  if (report.build.stackFrames === false && items.some((i) => i.code !== undefined))
    notes.push(
      'note: no stack frames: the artifact has no .stack_sizes section (LLVM writes it for ELF targets only)',
    );
  const large = items.filter((i) => i.stack && frameOutgrowsFuture(i.stack));
  if (large.length > 0 && showsStackColumn(items)) {
    const first = large[0]!;
    notes.push(
      `note: ${large.length} poll fn frame${large.length === 1 ? ' is' : 's are'} more than twice the future (${first.name}: ${formatBytes(first.stack!.pollFrameBytes)} for a ${formatBytes(first.futureBytes)} future): ${LARGE_FRAME_ADVICE}`,
    );
  }
  return notes;
}

/** The frames in one line: `poll fn frame 64.1 KiB (4.01× the future), drop glue 40 B`. */
export function stackSummary(stack: StackUse): string {
  const poll =
    stack.pollFrameBytes === null
      ? 'poll fn inlined into its caller (its frame is the caller’s)'
      : `poll fn frame ${formatBytes(stack.pollFrameBytes)}${stack.frameToFuture === null ? '' : ` (${stack.frameToFuture}× the future)`}`;
  return stack.dropFrameBytes === null ? poll : `${poll}, drop glue ${formatBytes(stack.dropFrameBytes)}`;
}

/** Why an item with code has no frames, or undefined when it has them (or no code at all). */
export function missingStackReason(item: AnalyzedItem, build: AnalysisReport['build']): string | undefined {
  if (item.stack || item.code === undefined) return undefined;
  if (build.stackFrames === false)
    return 'the artifact has no .stack_sizes section: LLVM writes it for ELF targets only';
  return item.code.parts.length === 0 ? 'no symbol' : 'no .stack_sizes entry for its functions';
}

/** `--explain`'s stack lines. */
export function stackExplainLines(item: AnalyzedItem, report: Pick<AnalysisReport, 'build'>): string[] {
  const stack = item.stack;
  if (!stack) {
    const why = missingStackReason(item, report.build);
    return why === undefined ? [] : [`  stack per poll: – (${why})`];
  }
  const out = [`  stack per poll: ${stackSummary(stack)}`];
  if (frameOutgrowsFuture(stack)) out.push(`    = note: ${LARGE_FRAME_ADVICE}`);
  const entries = stack.entryFrames.filter((e) => e.frameBytes > 0).slice(0, 5);
  if (entries.length > 0) {
    out.push('  entered through (frames of the functions instantiated for this future):');
    for (const e of entries) out.push(`    ${formatBytes(e.frameBytes).padStart(9)}  ${e.symbol}`);
  }
  return out;
}
