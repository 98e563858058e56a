// Reads source files for `scan` into one reused buffer. Why: a scan reads every `.rs` file of a tree but
// keeps the text of only the few that contain `async`; a fresh Buffer per file left tens of MB of freed
// allocations in the process's resident memory. The size is checked before reading, so a generated file
// over the limit is never read at all.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The default of scan's `maxFileBytes`: what a scan does not read, no pass over a crate's files reads. */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

export class SourceReader {
  private buffer = Buffer.allocUnsafe(1 << 20);

  /**
   * The file's bytes, valid until the next call (copy what must be kept), or its size alone when it is
   * over `limit`.
   */
  read(path: string, limit: number): { bytes: Buffer } | { tooLarge: number } {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > limit) return { tooLarge: size };
      if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size);
      let n = 0;
      while (n < size) {
        const got = readSync(fd, this.buffer, n, size - n, n);
        if (got === 0) break;
        n += got;
      }
      return { bytes: this.buffer.subarray(0, n) };
    } finally {
      closeSync(fd);
    }
  }
}
