// The order asyncbloat sorts names and paths in: Unicode code points, as Rust orders `str` (byte-wise
// UTF-8) and as cargo lists packages and files. Not `localeCompare`, which follows the user's locale
// (LANG): under da_DK it sorts `aa` after `z`, under et_EE `t` after `z`, so a report, a SARIF file or a
// baseline written on one machine came out in another order on the next.

/** A code unit's rank in code point order: surrogates (U+D800–DFFF, halves of U+10000 and up) go last. */
const rank = (unit: number): number => (unit < 0xd800 ? unit : unit < 0xe000 ? unit + 0x2000 : unit - 0x800);

/** Negative, zero or positive as `a` sorts before, with or after `b` by code point. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}
