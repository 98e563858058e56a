// How the text readers (MIR, type sizes) took each line of their input, for a caller that wants to check
// that nothing vanished: every line is reported exactly once, so the reports sum to the input's line count.
// The result objects stay as they are; the accounting is only computed for a listener.

/**
 * `understood`: the line contributes to the result. `ignored`: a kind of line the reader skips on purpose
 * (each reader documents which). `unparsed`: not understood, and counted in the result's `unparsed`.
 */
export type LineKind = 'understood' | 'ignored' | 'unparsed';

export interface LineAccountOptions {
  /** Called once for every line of the input (1-based), in no particular order. */
  onLine?: (line: number, kind: LineKind) => void;
}

/** Reports lines [first, first + count) as one kind; nothing to do without a listener. */
export type MarkLines = (kind: LineKind, first: number, count?: number) => void;

export function lineMarker(onLine: LineAccountOptions['onLine']): MarkLines {
  if (!onLine) return () => {};
  return (kind, first, count = 1) => {
    for (let i = 0; i < count; i++) onLine(first + i, kind);
  };
}
