// Rust's v0 mangling (RFC 2603): `_R` + a path grammar with generics, impls, backrefs, binders, `dyn`,
// fn signatures and constants. One pass parses and prints; output follows rustc-demangle's alternate
// form (what rustfilt prints): crate disambiguators `[hash]` appear only when `keepHash` is set.
import type { Demangled } from './legacy.ts';
import { decodePunycode } from './punycode.ts';

/** rustc-demangle gives up past this nesting depth; so do we. */
const MAX_DEPTH = 500;
/**
 * rustc-demangle's output limit (`SizeLimitedFmtAdapter`, 1,000,000 bytes): backrefs to backrefs can make
 * the output grow exponentially with the symbol's length, so what fits is followed by `{size limit reached}`
 * (as rustfilt prints it) and the rest is never computed.
 */
const MAX_OUTPUT = 1_000_000;
export const SIZE_LIMIT_REACHED = '{size limit reached}';

class Invalid extends Error {}
class SizeLimit extends Error {}

const BASIC_TYPES: Record<string, string> = {
  b: 'bool',
  c: 'char',
  e: 'str',
  u: '()',
  a: 'i8',
  s: 'i16',
  l: 'i32',
  x: 'i64',
  n: 'i128',
  i: 'isize',
  h: 'u8',
  t: 'u16',
  m: 'u32',
  y: 'u64',
  o: 'u128',
  j: 'usize',
  f: 'f32',
  d: 'f64',
  z: '!',
  p: '_',
  v: '...',
};

const U64_MAX = (1n << 64n) - 1n;

function isUpper(c: string | undefined): boolean {
  return c !== undefined && c >= 'A' && c <= 'Z';
}

function isLower(c: string | undefined): boolean {
  return c !== undefined && c >= 'a' && c <= 'z';
}

function base62Digit(c: string | undefined): number {
  if (c === undefined) return -1;
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 97 + 10;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 65 + 36;
  return -1;
}

interface Ident {
  ascii: string;
  punycode: string;
}

/** `{:?}` of a Rust char, minus the quotes; enough for the constants rustc mangles. */
function escapeChar(c: string, quote: string): string {
  if ((quote === "'" && c === '"') || (quote === '"' && c === "'")) return c;
  switch (c) {
    case '\0':
      return '\\0';
    case '\t':
      return '\\t';
    case '\r':
      return '\\r';
    case '\n':
      return '\\n';
    case '\\':
      return '\\\\';
    case "'":
      return "\\'";
    case '"':
      return '\\"';
  }
  if (/^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Mn}]$/u.test(c)) return `\\u{${c.codePointAt(0)!.toString(16)}}`;
  return c;
}

class Printer {
  private pos = 0;
  private depth = 0;
  private boundLifetimes = 0;
  /** While true, parsing continues but nothing is printed (impl paths, the instantiating crate). */
  private skipping = false;
  /** Set by integer62 when the value parsed was exactly u64::MAX (not representable as a number). */
  private lastWasU64Max = false;
  out = '';

  constructor(
    private readonly sym: string,
    private readonly keepHash: boolean,
  ) {}

  get rest(): string {
    return this.sym.slice(this.pos);
  }

  private print(s: string): void {
    if (this.skipping) return;
    // As rustc-demangle: a write that would not fit is not made, and the marker follows what was written.
    if (this.out.length + s.length > MAX_OUTPUT) throw new SizeLimit();
    this.out += s;
  }

  private peek(): string | undefined {
    return this.sym[this.pos];
  }

  private eat(c: string): boolean {
    if (this.sym[this.pos] === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  private next(): string {
    const c = this.sym[this.pos];
    if (c === undefined) throw new Invalid();
    this.pos++;
    return c;
  }

  private pushDepth(): void {
    if (++this.depth > MAX_DEPTH) throw new Invalid();
  }

  /** `_` = 0, else base-62 digits + `_` = value + 1; bigint because crate hashes use all 64 bits. */
  private integer62Big(): bigint {
    if (this.eat('_')) return 0n;
    let x = 0n;
    while (!this.eat('_')) {
      const d = base62Digit(this.peek());
      if (d < 0) throw new Invalid();
      this.pos++;
      x = x * 62n + BigInt(d);
      if (x > U64_MAX) throw new Invalid();
    }
    if (x + 1n > U64_MAX) throw new Invalid();
    return x + 1n;
  }

  private integer62(): number {
    if (this.eat('_')) return 0;
    let x = 0;
    const start = this.pos;
    while (!this.eat('_')) {
      const d = base62Digit(this.peek());
      if (d < 0) throw new Invalid();
      this.pos++;
      x = x * 62 + d;
      // Past 2^53 the value is approximate (fine: only crate hashes get this big, and they are not
      // printed from here); only near 2^64 is an exact check needed for rustc-demangle's overflow rule.
      if (x > 1.8e19) {
        this.pos = start;
        const big = this.integer62Big(); // validates the u64 range like rustc-demangle
        this.lastWasU64Max = big === U64_MAX;
        return Number(big);
      }
    }
    return x + 1;
  }

  /** Values past 2^53 lose precision; they only occur in crate hashes, printed via integer62Big. */
  private optInteger62(tag: string): number {
    if (!this.eat(tag)) return 0;
    this.lastWasU64Max = false;
    const v = this.integer62();
    if (this.lastWasU64Max) throw new Invalid(); // +1 would overflow u64, as rustc-demangle checks
    return v + 1;
  }

  private disambiguator(): number {
    return this.optInteger62('s');
  }

  private ident(): Ident {
    const isPunycode = this.eat('u');
    const first = this.peek();
    if (first === undefined || first < '0' || first > '9') throw new Invalid();
    let len = 0;
    this.pos++;
    if (first !== '0') {
      len = first.charCodeAt(0) - 48;
      for (let c = this.peek(); c !== undefined && c >= '0' && c <= '9'; c = this.peek()) {
        len = len * 10 + c.charCodeAt(0) - 48;
        this.pos++;
      }
    }
    this.eat('_');
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.sym.length) throw new Invalid();
    const text = this.sym.slice(start, this.pos);
    if (!isPunycode) return { ascii: text, punycode: '' };
    const sep = text.lastIndexOf('_');
    const ident =
      sep < 0 ? { ascii: '', punycode: text } : { ascii: text.slice(0, sep), punycode: text.slice(sep + 1) };
    if (ident.punycode === '') throw new Invalid();
    return ident;
  }

  private printIdent(id: Ident): void {
    if (this.skipping) return;
    if (id.punycode === '') {
      this.print(id.ascii);
      return;
    }
    const decoded = decodePunycode(id.ascii, id.punycode);
    this.print(decoded ?? `punycode{${id.ascii === '' ? '' : `${id.ascii}-`}${id.punycode}}`);
  }

  /** Runs `body` at the position a `B<offset>` backref points to, then resumes after the backref. */
  private backref(body: () => void): void {
    const tagAt = this.pos - 1;
    const target = this.integer62();
    if (target >= tagAt) throw new Invalid();
    if (this.skipping) return; // nothing to print, and the target was already validated when first parsed
    const saved = this.pos;
    this.pos = target;
    this.pushDepth();
    body();
    this.depth--;
    this.pos = saved;
  }

  private skippingPrint(body: () => void): void {
    const was = this.skipping;
    this.skipping = true;
    body();
    this.skipping = was;
  }

  printPath(inValue: boolean): void {
    this.pushDepth();
    const tag = this.next();
    switch (tag) {
      case 'C': {
        // Crate hashes use all 64 bits; only pay for BigInt when printing them.
        if (this.keepHash) {
          const dis = this.eat('s') ? this.integer62Big() + 1n : 0n;
          if (dis > U64_MAX) throw new Invalid();
          this.printIdent(this.ident());
          this.print(`[${dis.toString(16)}]`);
        } else {
          this.disambiguator();
          this.printIdent(this.ident());
        }
        break;
      }
      case 'N': {
        const ns = this.next();
        if (!isUpper(ns) && !isLower(ns)) throw new Invalid();
        this.printPath(inValue);
        const dis = this.disambiguator();
        const name = this.ident();
        const named = name.ascii !== '' || name.punycode !== '';
        if (isUpper(ns)) {
          this.print('::{');
          this.print(ns === 'C' ? 'closure' : ns === 'S' ? 'shim' : ns);
          if (named) {
            this.print(':');
            this.printIdent(name);
          }
          this.print(`#${dis}}`);
        } else if (named) {
          this.print('::');
          this.printIdent(name);
        }
        break;
      }
      case 'M':
      case 'X':
      case 'Y': {
        if (tag !== 'Y') {
          this.disambiguator();
          this.skippingPrint(() => this.printPath(false));
        }
        this.print('<');
        this.printType();
        if (tag !== 'M') {
          this.print(' as ');
          this.printPath(false);
        }
        this.print('>');
        break;
      }
      case 'I': {
        this.printPath(inValue);
        if (inValue) this.print('::');
        this.print('<');
        this.printList(() => this.printGenericArg());
        this.print('>');
        break;
      }
      case 'B':
        this.backref(() => this.printPath(inValue));
        break;
      default:
        throw new Invalid();
    }
    this.depth--;
  }

  /** Prints items until the closing `E`, separated by `, `; returns how many. */
  private printList(item: () => void): number {
    let count = 0;
    while (!this.eat('E')) {
      if (count > 0) this.print(', ');
      item();
      count++;
    }
    return count;
  }

  private printGenericArg(): void {
    if (this.eat('L')) this.printLifetime(this.integer62());
    else if (this.eat('K')) this.printConst(false);
    else this.printType();
  }

  private printLifetime(lt: number): void {
    if (this.skipping) return;
    this.print("'");
    if (lt === 0) {
      this.print('_');
      return;
    }
    const depth = this.boundLifetimes - lt;
    if (depth < 0) throw new Invalid();
    this.print(depth < 26 ? String.fromCharCode(97 + depth) : `_${depth}`);
  }

  /** `G<n>` binder: introduces n late-bound lifetimes, printed as `for<'a, 'b> `. */
  private inBinder(body: () => void): void {
    const count = this.optInteger62('G');
    if (this.skipping) {
      body();
      return;
    }
    if (count > 0) {
      this.print('for<');
      for (let i = 0; i < count; i++) {
        if (i > 0) this.print(', ');
        this.boundLifetimes++;
        this.printLifetime(1);
      }
      this.print('> ');
    }
    body();
    this.boundLifetimes -= count;
  }

  private printType(): void {
    this.pushDepth();
    const tag = this.next();
    const basic = BASIC_TYPES[tag];
    if (basic !== undefined) {
      this.print(basic);
      this.depth--;
      return;
    }
    switch (tag) {
      case 'R':
      case 'Q': {
        this.print('&');
        if (this.eat('L')) {
          const lt = this.integer62();
          if (lt !== 0) {
            this.printLifetime(lt);
            this.print(' ');
          }
        }
        if (tag === 'Q') this.print('mut ');
        this.printType();
        break;
      }
      case 'P':
        this.print('*const ');
        this.printType();
        break;
      case 'O':
        this.print('*mut ');
        this.printType();
        break;
      case 'A':
        this.print('[');
        this.printType();
        this.print('; ');
        this.printConst(true);
        this.print(']');
        break;
      case 'S':
        this.print('[');
        this.printType();
        this.print(']');
        break;
      case 'T': {
        this.print('(');
        const count = this.printList(() => this.printType());
        if (count === 1) this.print(',');
        this.print(')');
        break;
      }
      case 'F':
        this.inBinder(() => this.printFnSig());
        break;
      case 'D': {
        this.print('dyn ');
        this.inBinder(() => {
          let i = 0;
          while (!this.eat('E')) {
            if (i++ > 0) this.print(' + ');
            this.printDynTrait();
          }
        });
        if (!this.eat('L')) throw new Invalid();
        const lt = this.integer62();
        if (lt !== 0) {
          this.print(' + ');
          this.printLifetime(lt);
        }
        break;
      }
      case 'B':
        this.backref(() => this.printType());
        break;
      default:
        this.pos--;
        this.printPath(false);
    }
    this.depth--;
  }

  private printFnSig(): void {
    const isUnsafe = this.eat('U');
    let abi: string | undefined;
    if (this.eat('K')) {
      if (this.eat('C')) abi = 'C';
      else {
        const id = this.ident();
        if (id.ascii === '' || id.punycode !== '') throw new Invalid();
        abi = id.ascii;
      }
    }
    if (isUnsafe) this.print('unsafe ');
    if (abi !== undefined) this.print(`extern "${abi.split('_').join('-')}" `);
    this.print('fn(');
    this.printList(() => this.printType());
    this.print(')');
    if (!this.eat('u')) {
      this.print(' -> ');
      this.printType();
    }
  }

  private printDynTrait(): void {
    let open = this.printPathMaybeOpenGenerics();
    while (this.eat('p')) {
      this.print(open ? ', ' : '<');
      open = true;
      this.printIdent(this.ident());
      this.print(' = ');
      this.printType();
    }
    if (open) this.print('>');
  }

  /** A trait path in `dyn`; leaves `<` open when it has generic args so associated types can follow. */
  private printPathMaybeOpenGenerics(): boolean {
    if (this.eat('B')) {
      let open = false;
      this.backref(() => {
        open = this.printPathMaybeOpenGenerics();
      });
      return open;
    }
    if (this.eat('I')) {
      this.printPath(false);
      this.print('<');
      this.printList(() => this.printGenericArg());
      return true;
    }
    this.printPath(false);
    return false;
  }

  /** Lowercase hex digits up to `_`. */
  private hexNibbles(): string {
    const start = this.pos;
    for (;;) {
      const c = this.next();
      if (c === '_') break;
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) throw new Invalid();
    }
    return this.sym.slice(start, this.pos - 1);
  }

  /** Values up to 64 bits print in decimal, larger ones as `0x<nibbles>`, as rustc-demangle does. */
  private static uintOf(nibbles: string): bigint | null {
    const trimmed = nibbles.replace(/^0+/, '');
    if (trimmed.length > 16) return null;
    return trimmed === '' ? 0n : BigInt(`0x${trimmed}`);
  }

  /** With hashes kept (rustc-demangle's non-alternate form) the type follows the value: `3usize`. */
  private printConstUint(tag: string): void {
    const nibbles = this.hexNibbles();
    const v = Printer.uintOf(nibbles);
    this.print(v === null ? `0x${nibbles}` : v.toString());
    if (this.keepHash) this.print(BASIC_TYPES[tag]!);
  }

  private printConstStr(): void {
    const nibbles = this.hexNibbles();
    if (nibbles.length % 2 !== 0) throw new Invalid();
    const bytes = new Uint8Array(nibbles.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(nibbles.slice(2 * i, 2 * i + 2), 16);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new Invalid();
    }
    let out = '"';
    for (const c of text) out += escapeChar(c, '"');
    this.print(`${out}"`);
  }

  private printConst(inValue: boolean): void {
    const tag = this.next();
    this.pushDepth();
    let braced = false;
    const openBrace = (): void => {
      if (inValue) return;
      braced = true;
      this.print('{');
    };
    switch (tag) {
      case 'p':
        this.print('_');
        break;
      case 'h':
      case 't':
      case 'm':
      case 'y':
      case 'o':
      case 'j':
        this.printConstUint(tag);
        break;
      case 'a':
      case 's':
      case 'l':
      case 'x':
      case 'n':
      case 'i':
        if (this.eat('n')) this.print('-');
        this.printConstUint(tag);
        break;
      case 'b': {
        const v = Printer.uintOf(this.hexNibbles());
        if (v === 0n) this.print('false');
        else if (v === 1n) this.print('true');
        else throw new Invalid();
        break;
      }
      case 'c': {
        const v = Printer.uintOf(this.hexNibbles());
        if (v === null || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn)) throw new Invalid();
        this.print(`'${escapeChar(String.fromCodePoint(Number(v)), "'")}'`);
        break;
      }
      case 'e':
        openBrace();
        this.print('*');
        this.printConstStr();
        break;
      case 'R':
      case 'Q':
        if (tag === 'R' && this.eat('e')) this.printConstStr();
        else {
          openBrace();
          this.print(tag === 'R' ? '&' : '&mut ');
          this.printConst(true);
        }
        break;
      case 'A':
        openBrace();
        this.print('[');
        this.printList(() => this.printConst(true));
        this.print(']');
        break;
      case 'T': {
        openBrace();
        this.print('(');
        const count = this.printList(() => this.printConst(true));
        if (count === 1) this.print(',');
        this.print(')');
        break;
      }
      case 'V': {
        openBrace();
        this.printPath(true);
        const kind = this.next();
        if (kind === 'T') {
          this.print('(');
          this.printList(() => this.printConst(true));
          this.print(')');
        } else if (kind === 'S') {
          this.print(' { ');
          this.printList(() => {
            this.disambiguator();
            this.printIdent(this.ident());
            this.print(': ');
            this.printConst(true);
          });
          this.print(' }');
        } else if (kind !== 'U') throw new Invalid();
        break;
      }
      case 'B':
        this.backref(() => this.printConst(inValue));
        break;
      default:
        throw new Invalid();
    }
    if (braced) this.print('}');
    this.depth--;
  }

  /** The optional instantiating crate after the symbol's path: parsed, never printed. */
  skipInstantiatingCrate(): void {
    if (isUpper(this.peek())) this.skippingPrint(() => this.printPath(false));
  }
}

/** Demangles one v0 symbol (`_R...`); null when `symbol` is not one. */
export function demangleV0(symbol: string, keepHash: boolean): Demangled | null {
  if (symbol.length <= 2 || !symbol.startsWith('_R')) return null;
  const inner = symbol.slice(2);
  if (!isUpper(inner[0])) return null;
  for (let i = 0; i < inner.length; i++) if (inner.charCodeAt(i) > 0x7f) return null;
  const printer = new Printer(inner, keepHash);
  try {
    printer.printPath(true);
    printer.skipInstantiatingCrate();
  } catch (e) {
    if (e instanceof Invalid) return null;
    if (e instanceof SizeLimit) return { text: printer.out + SIZE_LIMIT_REACHED, rest: '' };
    throw e;
  }
  return { text: printer.out, rest: printer.rest };
}
