// A finding's fix shown as a diff: the source lines its edits touch, before (-) and after (+). Pure.
import type { TextEdit } from '../../model/source.ts';
import type { DiffLine } from './page-data.ts';

/** Applies edits (UTF-16 offsets into the decoded text) from last to first so earlier offsets stay valid. */
function apply(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/**
 * For each file the edits touch: a `@@ file:line` header, the whole lines covering the edited range as `-`,
 * the same range after the edits as `+`. Without the source (or with offsets outside it) the edits are
 * listed as they are, so the page still says what would change.
 */
export function fixDiff(edits: TextEdit[], read: (file: string) => string | undefined): DiffLine[] {
  const out: DiffLine[] = [];
  for (const file of new Set(edits.map((e) => e.file))) {
    const mine = edits.filter((e) => e.file === file);
    const text = read(file);
    const lo = Math.min(...mine.map((e) => e.start));
    const hi = Math.max(...mine.map((e) => e.end));
    if (text === undefined || hi > text.length || lo < 0) {
      for (const e of mine) {
        out.push({ op: ' ', text: `@@ ${file}: replace UTF-16 offsets ${e.start}..${e.end} with:` });
        for (const l of e.text.split('\n')) out.push({ op: '+', text: l });
      }
      continue;
    }
    const from = lo === 0 ? 0 : text.lastIndexOf('\n', lo - 1) + 1;
    // An edit ending just after a newline (deleting whole lines) does not touch the line that follows.
    const wholeLines = hi > lo && text[hi - 1] === '\n';
    const nl = wholeLines ? hi - 1 : text.indexOf('\n', hi);
    const to = nl === -1 ? text.length : nl;
    const after = apply(text, mine);
    const grown = after.length - text.length;
    const line = text.slice(0, from).split('\n').length;
    out.push({ op: ' ', text: `@@ ${file}:${line}` });
    for (const l of text.slice(from, to).split('\n')) out.push({ op: '-', text: l });
    const replaced = after.slice(from, to + grown);
    if (replaced.length > 0 || !wholeLines)
      for (const l of replaced.split('\n')) out.push({ op: '+', text: l });
  }
  return out;
}
