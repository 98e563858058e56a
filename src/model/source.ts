// Where something is in a source file. Lines and columns are 1-based; columns count UTF-16 code units
// (what editors, SARIF's default columnKind and JS strings use). Byte offsets are UTF-8, as in rustc spans.
export interface SourceSpan {
  /** Path relative to the scanned root, with forward slashes. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  byteStart: number;
  byteEnd: number;
}

/** A replacement of [start, end) in a file's text. Offsets are UTF-16 code units into the decoded text. */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  text: string;
}
