// Rust's legacy mangling: `_ZN` + length-prefixed path elements + `E`, the last element usually the
// `h<16 hex>` hash. Punctuation is escaped as `$LT$`, `$u7b$`, ... and `..` stands for `::`.
// Output follows rustc-demangle (what rustfilt prints), including its quirks: unknown escapes stop
// unescaping for the rest of that element, and control characters stay escaped.

export interface Demangled {
  text: string;
  /** What followed the mangled name (e.g. `.llvm.123` or `.cold`), for the caller to judge. */
  rest: string;
}

const ESCAPES: Record<string, string> = {
  SP: '@',
  BP: '*',
  RF: '&',
  LT: '<',
  GT: '>',
  LP: '(',
  RP: ')',
  C: ',',
};

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

function isRustHash(element: string): boolean {
  return element.startsWith('h') && /^[0-9a-fA-F]*$/.test(element.slice(1));
}

/** Decodes `$u7b$`-style escapes; null when the code point is invalid, not lowercase hex, or a control. */
function unicodeEscape(code: string): string | null {
  const digits = code.slice(1);
  if (!code.startsWith('u') || digits.length === 0 || !/^[0-9a-f]+$/.test(digits)) return null;
  const cp = Number.parseInt(digits, 16);
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
  const ch = String.fromCodePoint(cp);
  return /^\p{Cc}$/u.test(ch) ? null : ch;
}

function unescapeElement(element: string): string {
  let rest = element.startsWith('_$') ? element.slice(1) : element;
  let out = '';
  for (;;) {
    if (rest.startsWith('.')) {
      if (rest[1] === '.') {
        out += '::';
        rest = rest.slice(2);
      } else {
        out += '.';
        rest = rest.slice(1);
      }
    } else if (rest.startsWith('$')) {
      const end = rest.indexOf('$', 1);
      if (end < 0) break;
      const code = rest.slice(1, end);
      const plain = ESCAPES[code] ?? unicodeEscape(code);
      if (plain === null) break;
      out += plain;
      rest = rest.slice(end + 1);
    } else {
      const i = rest.search(/[$.]/);
      if (i < 0) break;
      out += rest.slice(0, i);
      rest = rest.slice(i);
    }
  }
  return out + rest;
}

/** Demangles one legacy symbol (`_ZN...E`); null when `symbol` is not one. */
export function demangleLegacy(symbol: string, keepHash: boolean): Demangled | null {
  if (symbol.length <= 4 || !symbol.startsWith('_ZN')) return null;
  const elements: string[] = [];
  let pos = 3;
  for (;;) {
    if (pos >= symbol.length) return null;
    const c = symbol.charCodeAt(pos);
    if (c === 0x45 /* E */) break;
    if (!isDigit(c)) return null;
    let len = 0;
    while (pos < symbol.length && isDigit(symbol.charCodeAt(pos))) {
      len = len * 10 + (symbol.charCodeAt(pos) - 0x30);
      pos++;
    }
    if (pos + len >= symbol.length) return null; // the element and at least the closing `E`
    elements.push(symbol.slice(pos, pos + len));
    pos += len;
  }
  // rustc-demangle only accepts ASCII mangled text.
  for (let i = 3; i < symbol.length; i++) if (symbol.charCodeAt(i) > 0x7f) return null;
  let text = '';
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i]!;
    if (!keepHash && i === elements.length - 1 && isRustHash(element)) break;
    if (i > 0) text += '::';
    text += unescapeElement(element);
  }
  return { text, rest: symbol.slice(pos + 1) };
}
