// Which lines of the final text each fix wrote. The fix loop edits a file over several rounds, so a region
// recorded in round 1 moves when round 2 inserts or removes lines above it; this keeps every region in the
// coordinates of the current text. A compiler error in a rewritten file is then traced to the fix whose
// lines it points at.
import type { TextEdit } from '../model/source.ts';
import { LineIndex } from '../readers/rust-source/positions.ts';

export interface FixRegion {
  /** Index of the fix (in the loop's list of applied fixes) that wrote these lines. */
  fix: number;
  file: string;
  /** 1-based, inclusive, in the current text. */
  startLine: number;
  endLine: number;
}

interface MovedEdit {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
  /** Line shift for lines after this edit (cumulative). */
  shift: number;
}

const newlines = (s: string) => s.split('\n').length - 1;

/**
 * Moves `regions` of `file` through one round of `edits` (sorted, non-overlapping, applied to `before`)
 * and adds a region per edit, owned by `owners[i]`. Returns the updated list (other files untouched).
 */
export function moveRegions(
  regions: readonly FixRegion[],
  file: string,
  before: string,
  edits: readonly TextEdit[],
  owners: readonly number[],
): FixRegion[] {
  const index = new LineIndex(before);
  const moved: MovedEdit[] = [];
  let shift = 0;
  for (const e of edits) {
    const oldStart = index.at(e.start).line;
    const oldEnd = index.at(e.end).line;
    const newStart = oldStart + shift;
    const newEnd = newStart + newlines(e.text);
    // Lines after the edit move by what the edit added minus what it removed.
    shift += newlines(e.text) - newlines(before.slice(e.start, e.end));
    moved.push({ oldStart, oldEnd, newStart, newEnd, shift });
  }
  const map = (line: number, end: boolean): number => {
    let d = 0;
    for (const m of moved) {
      if (line < m.oldStart) break;
      if (line <= m.oldEnd) return end ? Math.max(m.newEnd, m.newStart) : m.newStart;
      d = m.shift;
    }
    return line + d;
  };
  const out = regions.map((r) =>
    r.file === file ? { ...r, startLine: map(r.startLine, false), endLine: map(r.endLine, true) } : r,
  );
  moved.forEach((m, i) => {
    out.push({ fix: owners[i]!, file, startLine: m.newStart, endLine: Math.max(m.newStart, m.newEnd) });
  });
  return out;
}
