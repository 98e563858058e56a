// Punycode (RFC 3492) as Rust's v0 mangling uses it for non-ASCII identifiers: `u7vuq367m` -> `送信`.
// Decoded as insertions into a code-point array, like rustc-demangle, including its 128-character cap:
// longer identifiers fall back to the `punycode{...}` spelling so our output stays identical to rustfilt's.

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const INITIAL_BIAS = 72;
const INITIAL_N = 0x80;
const MAX_DECODED_CHARS = 128;

function digitValue(c: number): number {
  if (c >= 0x61 && c <= 0x7a) return c - 0x61; // a-z
  if (c >= 0x30 && c <= 0x39) return 26 + c - 0x30; // 0-9
  return -1;
}

/** Decodes `ascii` (the basic code points) plus the punycode `deltas`; null when the encoding is invalid. */
export function decodePunycode(ascii: string, deltas: string): string | null {
  if (deltas.length === 0) return null;
  const out: number[] = [];
  for (const ch of ascii) out.push(ch.codePointAt(0)!);
  if (out.length > MAX_DECODED_CHARS) return null;
  let damp = 700;
  let bias = INITIAL_BIAS;
  let i = 0;
  let n = INITIAL_N;
  let pos = 0;
  for (;;) {
    let delta = 0;
    let w = 1;
    let k = 0;
    for (;;) {
      k += BASE;
      const t = Math.min(Math.max(k - bias, T_MIN), T_MAX);
      if (pos >= deltas.length) return null;
      const d = digitValue(deltas.charCodeAt(pos++));
      if (d < 0) return null;
      delta += d * w;
      if (!Number.isSafeInteger(delta)) return null;
      if (d < t) break;
      w *= BASE - t;
    }
    const len = out.length + 1;
    i += delta;
    n += Math.floor(i / len);
    i %= len;
    // Surrogates and values past U+10FFFF are not chars in Rust.
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return null;
    if (out.length >= MAX_DECODED_CHARS) return null;
    out.splice(i, 0, n);
    i++;
    if (pos >= deltas.length) return String.fromCodePoint(...out);
    delta = Math.floor(delta / damp);
    damp = 2;
    delta += Math.floor(delta / len);
    k = 0;
    while (delta > ((BASE - T_MIN) * T_MAX) / 2) {
      delta = Math.floor(delta / (BASE - T_MIN));
      k += BASE;
    }
    bias = k + Math.floor(((BASE - T_MIN + 1) * delta) / (delta + SKEW));
  }
}
