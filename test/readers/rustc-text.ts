import assert from 'node:assert/strict';
import { readTypeSizes } from '../../src/readers/type-sizes.ts';
// Plain-regex views of rustc's text outputs, independent of the readers under test: tests compare the
// readers' results with these.

/** Poll-fn header lines, found with the detector the reference recommends (rustc-outputs.md §1.1). */
export function pollHeaders(mir: string): string[] {
  return (
    mir.match(
      /^fn [^(]*\(_1: ((std|core)::pin::)?Pin<&mut \{async (fn body of |block@|closure body@).*$/gm,
    ) ?? []
  );
}

/** Every `type:` header of -Zprint-type-sizes text with its size and alignment. */
export function typeHeaders(pts: string): { name: string; bytes: number; alignment: number }[] {
  return [...pts.matchAll(/^print-type-size type: `(.*)`: (\d+) bytes, alignment: (\d+) bytes$/gm)].map(
    (m) => ({
      name: m[1]!,
      bytes: Number(m[2]),
      alignment: Number(m[3]),
    }),
  );
}

/** The lines of one type's record (header to the next header); '' when the type is not printed. */
export function typeBlock(pts: string, typeName: string): string {
  const start = pts.indexOf(`print-type-size type: \`${typeName}\`: `);
  if (start < 0) return '';
  const next = pts.indexOf('print-type-size type: ', start + 1);
  return pts.slice(start, next < 0 ? undefined : next);
}

/** Variant names of one type's record. */
export function variantsOf(pts: string, typeName: string): string[] {
  return [...typeBlock(pts, typeName).matchAll(/^print-type-size {5}variant `(\w+)`/gm)].map((m) => m[1]!);
}

/**
 * readTypeSizes on rustc's text: nothing unparsed, every record read, every future at the size of its
 * `type:` header (read by the plain regex above), and no field overlapping another or the type's end.
 */
export function checkTypeSizesReader(text: string): void {
  const r = readTypeSizes(text);
  const all = typeHeaders(text);
  assert.deepEqual(r.unparsed, { count: 0 });
  assert.equal(r.records, all.length);
  assert.deepEqual(
    r.futures.map((f) => [f.typeName, f.bytes]),
    all.filter((h) => h.name.startsWith('{async ')).map((h) => [h.name, h.bytes]),
  );
  for (const f of r.futures)
    for (const s of f.states) {
      const sorted = [...s.fields].sort((a, b) => a.offset - b.offset);
      sorted.forEach((x, i) => {
        assert.ok(x.offset + x.bytes <= f.bytes, `${f.typeName} ${s.name}`);
        const next = sorted[i + 1];
        if (next && x.bytes > 0) assert.ok(x.offset + x.bytes <= next.offset, `${f.typeName} ${s.name}`);
      });
    }
}
