// A finding's fix shown as the unified diff `asyncbloat fix` prints for it (same hunks, 3 lines of context).
// Pure: source text comes in through `read`.
import { applyEdits, EditConflictError, editsByFile } from '../../fix/apply-edits.ts';
import { unifiedDiff } from '../../fix/unified-diff.ts';
import type { TextEdit } from '../../model/source.ts';

/** One line of a fix's diff as the page shows it. */
export interface DiffLine {
  /** `@` is a header (`--- a/F`, `@@ -l,n +l,n @@`) or a line saying why there is no diff. */
  op: ' ' | '-' | '+' | '@';
  text: string;
}

const CONTEXT = 3;

/** Offset of the start of the line `n` lines before the one holding `at` (clamped to the text). */
function linesBefore(text: string, at: number, n: number): number {
  let from = at === 0 ? 0 : text.lastIndexOf('\n', at - 1) + 1;
  for (let k = 0; k < n && from > 0; k++) from = from < 2 ? 0 : text.lastIndexOf('\n', from - 2) + 1;
  return from;
}

/** Offset just past the newline ending the line `n` lines after the one holding `at` (or the text's end). */
function linesAfter(text: string, at: number, n: number): number {
  let to = at;
  for (let k = 0; k <= n; k++) {
    const nl = text.indexOf('\n', to);
    if (nl === -1) return text.length;
    to = nl + 1;
  }
  return to;
}

/**
 * The unified diff of one file's edits. Only a window around the edits is diffed (with the context the diff
 * shows), so a finding in a 50,000-line file costs no more than one in a small file; hunk headers are
 * renumbered to the file's lines.
 */
function fileDiff(file: string, text: string, edits: TextEdit[]): string {
  const lo = Math.min(...edits.map((e) => e.start));
  const hi = Math.max(...edits.map((e) => e.end));
  const from = linesBefore(text, lo, CONTEXT);
  // An edit ending just after a newline (deleting whole lines) does not touch the line that follows.
  const last = hi > lo && text[hi - 1] === '\n' ? hi - 1 : hi;
  const to = linesAfter(text, last, CONTEXT);
  const window = (e: TextEdit): TextEdit => ({ ...e, start: e.start - from, end: e.end - from });
  const before = text.slice(from, to);
  const after = applyEdits(before, edits.map(window));
  const shift = text.slice(0, from).split('\n').length - 1;
  return unifiedDiff(file, before, after, { context: CONTEXT }).replace(
    /^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@$/gm,
    (_, a: string, ac = '', b: string, bc = '') =>
      `@@ -${Number(a) + shift}${ac} +${Number(b) + shift}${bc} @@`,
  );
}

function toLines(diff: string): DiffLine[] {
  const out: DiffLine[] = [];
  let inHunk = false;
  for (const line of diff.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('@@')) inHunk = true;
    else if (line.startsWith('--- ')) inHunk = false;
    if (!inHunk || line.startsWith('@@') || line.startsWith('\\')) out.push({ op: '@', text: line });
    else out.push({ op: line[0] as ' ' | '-' | '+', text: line.slice(1) });
  }
  return out;
}

/** What the edits do, in words, for when there is no text to diff against. */
function describeEdits(edits: TextEdit[]): DiffLine[] {
  const out: DiffLine[] = [];
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    const n = e.end - e.start;
    const chars = `${n} character${n === 1 ? '' : 's'}`;
    if (e.text === '') {
      out.push({ op: '@', text: `deletes ${chars}` });
      continue;
    }
    out.push({ op: '@', text: n === 0 ? 'inserts:' : `replaces ${chars} with:` });
    for (const l of e.text.split('\n')) out.push({ op: '+', text: l });
  }
  return out;
}

/**
 * For each file the edits touch, its unified diff (`--- a/F`, `+++ b/F`, `@@ -l,n +l,n @@` hunks). When it
 * cannot be made — the file is unreadable, or the edits do not fit its current text — a line says why and
 * the edits are described in words, so the page still says what would change.
 */
export function fixDiff(edits: TextEdit[], read: (file: string) => string | undefined): DiffLine[] {
  const out: DiffLine[] = [];
  for (const [file, mine] of editsByFile(edits)) {
    const text = read(file);
    if (text === undefined) {
      out.push({
        op: '@',
        text: `${file}: no diff, the file could not be read (moved or deleted since the analysis?); the fix:`,
      });
      out.push(...describeEdits(mine));
      continue;
    }
    try {
      out.push(...toLines(fileDiff(file, text, mine)));
    } catch (e) {
      if (!(e instanceof EditConflictError)) throw e;
      out.push({
        op: '@',
        text: `${file}: no diff, the edits do not fit the file as it is now (changed since the analysis?); the fix:`,
      });
      out.push(...describeEdits(mine));
    }
  }
  return out;
}

/**
 * Edits of a finding in a workspace member may name files relative to the member (`src/lib.rs`) while the
 * finding and the report use the workspace root (`driver/src/lib.rs`). When an edit's file is a trailing part
 * of the finding's, the member's directory is put in front of every edit file that then reads.
 */
export function rebaseEdits(
  findingFile: string,
  edits: TextEdit[],
  read: (file: string) => string | undefined,
): TextEdit[] {
  const member = edits.find((e) => e.file !== findingFile && findingFile.endsWith(`/${e.file}`));
  if (!member) return edits;
  const prefix = findingFile.slice(0, findingFile.length - member.file.length);
  return edits.map((e) => {
    const file = prefix + e.file;
    return file !== e.file && read(file) !== undefined ? { ...e, file } : e;
  });
}
