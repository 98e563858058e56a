// Git-style unified diffs (`--- a/F` / `+++ b/F` / `@@ -l,n +l,n @@`, 3 lines of context) between two texts.
// Lines are split on '\n' only, so a CRLF file shows its '\r' inside the line, as `git diff` does, and a
// change of line endings is visible rather than hidden. Leading `# ...` lines carry each fix's description
// and caveat; `git apply` and `patch` skip text before the first `---`.

type Op = { kind: ' ' | '-' | '+'; line: string };

// A last line without '\n' gets this suffix so that it differs from the same text with a newline; it is
// printed as git does, with a "\ No newline at end of file" line after it.
const NO_NEWLINE = '\u0000no-newline';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_NEWLINE;
  return lines;
}

/** Myers' O(ND) shortest edit script over lines. */
function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  trace.push(v.slice());
  // Walk back through the saved frontiers to recover the path.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!)) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK]!;
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x]! });
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: '+', line: b[--y]! });
    else ops.push({ kind: '-', line: a[--x]! });
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: ' ', line: a[--x]! });
    y--;
  }
  return ops.reverse();
}

export interface DiffOptions {
  /** Lines of context around each change (git's default is 3). */
  context?: number;
  /** Comment lines printed before the `---` header, e.g. one per fix with its caveat. */
  header?: string[];
}

/** A unified diff of `file` from `before` to `after`; '' when the texts are equal. */
export function unifiedDiff(file: string, before: string, after: string, options: DiffOptions = {}): string {
  if (before === after) return '';
  const context = options.context ?? 3;
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const out: string[] = [];
  for (const h of options.header ?? []) out.push(`# ${h}`);
  out.push(`--- a/${file}`, `+++ b/${file}`);

  // Old/new line numbers (0-based) before ops[k].
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let oi = 0;
  let ni = 0;
  for (const o of ops) {
    oldAt.push(oi);
    newAt.push(ni);
    if (o.kind !== '+') oi++;
    if (o.kind !== '-') ni++;
  }
  // Changes separated by at most 2*context unchanged lines share one hunk, as in `diff -u`.
  const changes = ops.flatMap((o, k) => (o.kind === ' ' ? [] : [k]));
  let c = 0;
  while (c < changes.length) {
    const firstChange = changes[c]!;
    let lastChange = firstChange;
    while (c + 1 < changes.length && changes[c + 1]! - lastChange - 1 <= 2 * context)
      lastChange = changes[++c]!;
    c++;
    const start = Math.max(0, firstChange - context);
    const end = Math.min(ops.length, lastChange + 1 + context);
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    // An empty side is numbered by the line before it (diff's convention), hence no +1.
    const oldStart = oldCount === 0 ? oldAt[start]! : oldAt[start]! + 1;
    const newStart = newCount === 0 ? newAt[start]! : newAt[start]! + 1;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const o of hunk) {
      if (o.line.endsWith(NO_NEWLINE)) {
        out.push(o.kind + o.line.slice(0, -NO_NEWLINE.length), '\\ No newline at end of file');
      } else out.push(o.kind + o.line);
    }
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}
