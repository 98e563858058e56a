// Applies a rule's TextEdits to a file's text. Offsets are UTF-16 code units into the decoded text (see
// src/model/source.ts), so the splice is plain string slicing; everything outside the edits — line endings,
// a BOM, comments — is carried over untouched because it is never re-encoded piece by piece.
import type { TextEdit } from '../model/source.ts';

export class EditConflictError extends Error {
  constructor(
    message: string,
    readonly edits: TextEdit[],
  ) {
    super(message);
    this.name = 'EditConflictError';
  }
}

function describe(e: TextEdit): string {
  return `${e.file}[${e.start}..${e.end})`;
}

/** Edits sorted by position; throws on an out-of-range edit or two edits that overlap. */
export function sortAndCheck(text: string, edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  for (const e of sorted) {
    if (!Number.isInteger(e.start) || !Number.isInteger(e.end) || e.start < 0 || e.end < e.start) {
      throw new EditConflictError(`invalid edit range ${describe(e)}`, [e]);
    }
    if (e.end > text.length) {
      throw new EditConflictError(`edit ${describe(e)} is past the end of the text (${text.length})`, [e]);
    }
  }
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    // Two insertions at the same point are ambiguous in order, so they count as a conflict too.
    if (
      cur.start < prev.end ||
      (cur.start === prev.start && cur.start === prev.end && cur.end === cur.start)
    ) {
      throw new EditConflictError(`overlapping edits ${describe(prev)} and ${describe(cur)}`, [prev, cur]);
    }
  }
  return sorted;
}

/** Returns `text` with every edit applied. All edits must belong to one file. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const files = new Set(edits.map((e) => e.file));
  if (files.size > 1) {
    throw new EditConflictError(`edits for several files given at once: ${[...files].join(', ')}`, [
      ...edits,
    ]);
  }
  const sorted = sortAndCheck(text, edits);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

function overlaps(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x.file !== y.file) continue;
      if (x.start < y.end && y.start < x.end) return true;
      // Touching insertions at the same point: order would be ambiguous.
      if (x.start === y.start && (x.start === x.end || y.start === y.end)) return true;
    }
  }
  return false;
}

/**
 * From fixes in priority order, keeps those whose edits overlap none kept before. A fix is all-or-nothing
 * (its edits can span several files, e.g. a call site update), so a fix that collides anywhere waits for the
 * next round, when a rescan recomputes it against the new text.
 */
export function pickCompatible<T extends { edits: readonly TextEdit[] }>(
  fixes: readonly T[],
): { kept: T[]; deferred: T[] } {
  const kept: T[] = [];
  const deferred: T[] = [];
  for (const f of fixes) {
    if (kept.some((k) => overlaps(k.edits, f.edits)) || selfOverlaps(f.edits)) deferred.push(f);
    else kept.push(f);
  }
  return { kept, deferred };
}

function selfOverlaps(edits: readonly TextEdit[]): boolean {
  for (let i = 0; i < edits.length; i++) {
    if (overlaps([edits[i]!], edits.slice(i + 1))) return true;
  }
  return false;
}

/** Groups edits by file, preserving first-seen order of files. */
export function editsByFile(edits: readonly TextEdit[]): Map<string, TextEdit[]> {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) {
    const list = byFile.get(e.file);
    if (list) list.push(e);
    else byFile.set(e.file, [e]);
  }
  return byFile;
}
