// analyze reads MIR from `-Zdump-mir=runtime-optimized` (one file per body; emitting MIR would change the
// machine code). Recorded from test/fixtures/mir/asyncs.rs with rustc 1.95 and the 1.97 nightly, with span
// comments, next to the same crate's `--emit=mir`: read file by file, the dumps must give exactly what the
// single `--emit=mir` text gives, coroutine by coroutine, and every line must be understood (the layout
// comments the dumps add, whose shape changes between nightlies, are skipped whole). Recorded with
//   RUSTC_BOOTSTRAP=1 rustc +TOOLCHAIN --edition 2021 --crate-type lib -Zdump-mir=runtime-optimized \
//     -Zdump-mir-dir=DIR -Zmir-include-spans=on test/fixtures/mir/asyncs.rs
// (the async blocks' drop glue, whose names hold the source path and so make subdirectories, left out),
// and the same with `--emit=mir -o DIR/asyncs.emit-mir.txt`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MirReader, readMir } from '../../src/readers/mir.ts';

const DIR = 'test/fixtures/recorded-dumps';

for (const version of readdirSync(DIR)) {
  describe(version, () => {
    test('the per-body dump files read as the --emit=mir text does', () => {
      const dir = join(DIR, version);
      const files = readdirSync(dir).filter((f) => f.endsWith('.mir'));
      const reader = new MirReader();
      for (const f of files.sort()) reader.add(readFileSync(join(dir, f), 'utf8'));
      const dumped = reader.finish();
      const emitted = readMir(readFileSync(join(dir, 'asyncs.emit-mir.txt'), 'utf8'));
      assert.deepEqual(dumped.unparsed, { count: 0 });
      assert.deepEqual(emitted.unparsed, { count: 0 });
      assert.equal(dumped.lineInfo, 'spans');
      const key = (c: (typeof dumped.coroutines)[number]) => {
        // mirLine is where the body starts in its text: a file of its own in a dump.
        const { mirLine: _, ...rest } = c;
        return JSON.stringify(rest);
      };
      const byName = (cs: typeof dumped.coroutines) => cs.map(key).sort();
      assert.ok(dumped.coroutines.length >= 10, `${dumped.coroutines.length} coroutines`);
      assert.deepEqual(byName(dumped.coroutines), byName(emitted.coroutines));
      assert.ok(dumped.coroutines.some((c) => c.suspendPoints.some((s) => s.line !== undefined)));
    });
  });
}

test('an async fn whose constructor has no dump (dead code rustc never codegens) gets its span from its body', () => {
  const dir = join(DIR, readdirSync(DIR)[0]!);
  const files = readdirSync(dir).filter((f) => f.endsWith('.mir'));
  const read = (names: string[]) => {
    const reader = new MirReader();
    for (const f of names) reader.add(readFileSync(join(dir, f), 'utf8'));
    return reader.finish().coroutines.filter((c) => c.kind === 'async-fn');
  };
  const all = read(files);
  // Without any constructor file: only poll bodies (`-{closure#N}.`) and drop glue.
  const pollsOnly = read(files.filter((f) => /\{closure#\d+\}\.|drop/.test(f)));
  assert.ok(all.length >= 5);
  assert.deepEqual(pollsOnly.map((c) => [c.name, c.span]).sort(), all.map((c) => [c.name, c.span]).sort());
  assert.ok(all.every((c) => c.span !== undefined));
});
