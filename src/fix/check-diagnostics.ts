// Reader for `cargo check --message-format=json` output: the compiler's errors with the file and lines
// their primary spans point at, so a failed check of a rewritten crate can be traced back to the fixes
// that edited those lines. Pure: text in, typed data out.

export interface CompileError {
  /** `E0277`, or '' for errors without a code. */
  code: string;
  message: string;
  /** rustc's rendered text (what cargo prints for humans). */
  rendered: string;
  /** Primary spans: file as rustc printed it (relative to the package's workspace root, or absolute). */
  spans: { file: string; lineStart: number; lineEnd: number }[];
}

export interface CheckDiagnostics {
  errors: CompileError[];
  /** Lines that are not JSON cargo messages: counted, first one kept, never silently dropped. */
  unparsed: { count: number; example: string };
}

interface RawSpan {
  file_name?: unknown;
  line_start?: unknown;
  line_end?: unknown;
  is_primary?: unknown;
  expansion?: { span?: RawSpan } | null;
}

/** The span in the user's source a macro-expanded span came from (rustc nests them under `expansion`). */
function sourceSpan(span: RawSpan): RawSpan {
  let s = span;
  for (let i = 0; i < 64 && s.expansion?.span && String(s.file_name).startsWith('<'); i++) {
    s = s.expansion.span;
  }
  return s;
}

export function readCheckDiagnostics(stdout: string): CheckDiagnostics {
  const errors: CompileError[] = [];
  const unparsed = { count: 0, example: '' };
  for (const line of stdout.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    let msg: { reason?: unknown; message?: Record<string, unknown> };
    try {
      msg = JSON.parse(trimmed);
    } catch {
      unparsed.count++;
      unparsed.example ||= trimmed.slice(0, 200);
      continue;
    }
    if (msg.reason !== 'compiler-message' || !msg.message) continue;
    const m = msg.message;
    if (m.level !== 'error') continue;
    // rustc's closing "aborting due to N previous errors" is a diagnostic too; it points at nothing.
    if (typeof m.message === 'string' && /^aborting due to /.test(m.message)) continue;
    const code = (m.code as { code?: unknown } | null)?.code;
    const spans = Array.isArray(m.spans) ? (m.spans as RawSpan[]) : [];
    errors.push({
      code: typeof code === 'string' ? code : '',
      message: typeof m.message === 'string' ? m.message : '',
      rendered: typeof m.rendered === 'string' ? m.rendered : '',
      spans: spans
        .filter((s) => s.is_primary === true)
        .map(sourceSpan)
        .filter(
          (s) =>
            typeof s.file_name === 'string' &&
            typeof s.line_start === 'number' &&
            typeof s.line_end === 'number',
        )
        .map((s) => ({
          file: s.file_name as string,
          lineStart: s.line_start as number,
          lineEnd: s.line_end as number,
        })),
    });
  }
  return { errors, unparsed };
}

/** One line for a report: `E0277 `Later` is not a future`. */
export function errorSummary(e: CompileError): string {
  return e.code ? `${e.code} ${e.message}` : e.message;
}
