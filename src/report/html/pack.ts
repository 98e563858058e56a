// A compact JSON encoding for the page data, used by the renderer (pack) and the page script (unpack). A
// 2,000-item report repeats the same keys in every object and the same type names, field names and source
// lines many times; plain JSON of it is ~4 MB. Two lossless transforms bring it well under half that:
//  * strings of 4+ chars that occur twice or more go into a table and are written as `§<base36 index>`;
//  * arrays of 2+ objects with the same keys become `["§#", keys, [values…], [values…], …]`.
// Strings that start with § themselves are written as `§!<string>`, so any data round-trips. (§ rather than a
// control character: JSON writes § as-is, 2 bytes, where \u0001 would take 6.)
// No DOM and no Node APIs here: the page script bundles this file.

const ESC = '§';
const TABLE = `${ESC}#`;
const LITERAL = `${ESC}!`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface Packed {
  strings: string[];
  data: Json;
}

function isPlainObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameKeys(rows: unknown[]): string[] | null {
  if (rows.length < 2 || !rows.every(isPlainObject)) return null;
  const keys = Object.keys(rows[0] as object);
  const sig = keys.join('\u0000');
  for (const r of rows) {
    const k = Object.keys(r as object);
    if (k.length !== keys.length || k.join('\u0000') !== sig) return null;
  }
  return keys;
}

export function pack(value: unknown): Packed {
  const counts = new Map<string, number>();
  const count = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length >= 4) counts.set(v, (counts.get(v) ?? 0) + 1);
    } else if (Array.isArray(v)) for (const x of v) count(x);
    else if (isPlainObject(v)) for (const x of Object.values(v)) count(x);
  };
  count(value);
  // Most frequent first, so the most used strings get the shortest indexes.
  const strings = [...counts]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1])
    .map(([s]) => s);
  const index = new Map(strings.map((s, i) => [s, i]));
  const str = (s: string): string => {
    const i = index.get(s);
    if (i !== undefined) return ESC + i.toString(36);
    return s.startsWith(ESC) ? LITERAL + s : s;
  };
  const walk = (v: unknown): Json => {
    if (typeof v === 'string') return str(v);
    if (v === undefined) return null;
    if (Array.isArray(v)) {
      const keys = sameKeys(v);
      if (keys)
        return [
          TABLE,
          keys.map(str),
          ...v.map((o) => keys.map((k) => walk((o as Record<string, unknown>)[k]))),
        ];
      return v.map(walk);
    }
    if (isPlainObject(v)) {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = walk(x);
      return out;
    }
    return v as Json;
  };
  return { strings, data: walk(value) };
}

export function unpack(packed: Packed): unknown {
  const { strings } = packed;
  const str = (s: string): string => {
    if (s[0] !== ESC) return s;
    if (s.startsWith(LITERAL)) return s.slice(2);
    return strings[parseInt(s.slice(1), 36)]!;
  };
  const walk = (v: Json): unknown => {
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) {
      if (v[0] === TABLE) {
        const keys = (v[1] as string[]).map(str);
        const rows: Record<string, unknown>[] = [];
        for (let r = 2; r < v.length; r++) {
          const vals = v[r] as Json[];
          const o: Record<string, unknown> = {};
          for (let k = 0; k < keys.length; k++) o[keys[k]!] = walk(vals[k]!);
          rows.push(o);
        }
        return rows;
      }
      return v.map(walk);
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(packed.data);
}
