// tree-sitter (through web-tree-sitter) reports offsets in UTF-16 code units, the unit of JS strings and
// SARIF. rustc speaks UTF-8 byte offsets and 1-based char (code point) columns. This table converts both ways.

import type { SourceSpan } from '../../model/source.ts';

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column in UTF-16 code units. */
  column: number;
  /** 1-based column in chars (code points), as rustc prints them. */
  charColumn: number;
  /** UTF-8 byte offset from the start of the file. */
  byte: number;
}

export class LineIndex {
  /** UTF-16 index of the first unit of each line. */
  private readonly starts: number[] = [0];
  /** UTF-8 byte offset of each line start; only built for non-ASCII text, where it differs. */
  private readonly byteStarts: number[] | undefined;

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range test needs \x00.
    if (!/^[\x00-\x7f]*$/.test(text)) {
      this.byteStarts = [0];
      for (let l = 1; l < this.starts.length; l++) {
        const prev = this.byteStarts[l - 1]!;
        this.byteStarts.push(prev + utf8Length(text.slice(this.starts[l - 1], this.starts[l])));
      }
    }
  }

  /** Position of a UTF-16 index. */
  at(index: number): Position {
    const l = this.lineOf(index);
    const start = this.starts[l]!;
    if (!this.byteStarts) {
      return { line: l + 1, column: index - start + 1, charColumn: index - start + 1, byte: index };
    }
    const before = this.text.slice(start, index);
    return {
      line: l + 1,
      column: index - start + 1,
      charColumn: countCodePoints(before) + 1,
      byte: this.byteStarts[l]! + utf8Length(before),
    };
  }

  /** The SourceSpan of [start, end) (UTF-16 indices) in `file`. */
  span(file: string, start: number, end: number): SourceSpan {
    const s = this.at(start);
    const e = this.at(end);
    return {
      file,
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
      byteStart: s.byte,
      byteEnd: e.byte,
    };
  }

  /** UTF-16 index of the start of a 1-based line. */
  lineStart(line: number): number {
    return this.starts[line - 1] ?? this.text.length;
  }

  /** The text of a 1-based line without its newline. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    const next = this.starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.starts.length;
  }

  private lineOf(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function countCodePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const p = s.charCodeAt(i - 1);
      if (p >= 0xd800 && p <= 0xdbff) n--;
    }
  }
  return n;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4; // a surrogate pair is one 4-byte char; skip the low half
      i++;
    } else n += 3;
  }
  return n;
}
