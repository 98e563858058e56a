// Decoding a Rust file for editing, the same way `scan` decodes it (TextDecoder, which drops a leading BOM),
// so a finding's UTF-16 offsets index the same string here. The BOM is remembered and written back, and
// bytes that are not valid UTF-8 are refused: lossy decoding would change the file where no edit was made.

export class NotUtf8Error extends Error {
  constructor(readonly file: string) {
    super(`'${file}' is not valid UTF-8; asyncbloat will not rewrite it`);
    this.name = 'NotUtf8Error';
  }
}

export interface SourceText {
  /** The text without a BOM: what tree-sitter parsed and what edit offsets count in. */
  text: string;
  bom: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeSource(file: string, bytes: Uint8Array): SourceText {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    return { text: utf8.decode(bytes), bom };
  } catch {
    throw new NotUtf8Error(file);
  }
}

export function encodeSource(source: SourceText): Buffer {
  return Buffer.from(source.bom ? `\uFEFF${source.text}` : source.text, 'utf8');
}
