// A file's lines, read in pieces: compiler output can pass Node's string limit (512 MB), which
// readFileSync(.., 'utf8') cannot hold. Lines come without their '\n'; UTF-8 split across pieces is kept whole.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const PIECE = 1 << 20;

export function forEachLine(path: string, onLine: (line: string) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(PIECE);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, PIECE, null);
      const text = rest + (n > 0 ? decoder.write(buffer.subarray(0, n)) : decoder.end());
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        onLine(text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
      if (n === 0) break;
    }
    if (rest !== '') onLine(rest);
  } finally {
    closeSync(fd);
  }
}
