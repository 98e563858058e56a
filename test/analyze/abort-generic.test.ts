// Firmware-style settings against rustc's own text: with panic=abort no MIR arm leads to Panicked, yet
// rustc lays the variant out, and the reported states are the layout's. A generic async fn whose
// instantiations pad to one size but hold different amounts is measured on the one that holds the most.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { analyzeBuild } from '../../src/analyze/index.ts';
import { buildForAnalysis } from '../../src/cargo/build.ts';
import { checkAgainstCompiler, itemNamed, rustcVariantCounts } from '../support/analysis-checks.ts';
import { has, need } from '../support/require.ts';

const fixture = new URL('../fixtures/analyze/abort-generic/', import.meta.url).pathname;

/** `Suspend0` bytes of each `transfer<T>` instantiation, read from rustc's text with a plain regex. */
function suspendBytes(files: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const text of files.map((f) => readFileSync(f, 'utf8'))) {
    const re =
      /^print-type-size type: `\{async fn body of transfer<(\w+)>\(\)\}`[^\n]*\n(?:print-type-size {5}[^\n]*\n)*?print-type-size {5}variant `Suspend0`: (\d+) bytes/gm;
    for (const m of text.matchAll(re)) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

for (const toolchain of ['stable', 'nightly'] as const) {
  describe(`panic=abort and generic instantiations on ${toolchain}`, () => {
    test('states are the layout variants; held bytes come from the instantiation that holds most', async (t) => {
      if (toolchain === 'nightly' && !need(t, 'a nightly toolchain', has.nightly())) return;
      const build = await buildForAnalysis({
        manifestPath: fixture,
        nightly: toolchain === 'nightly',
        progress: false,
      });
      const report = await analyzeBuild(build);
      checkAgainstCompiler(report, build);
      const variants = rustcVariantCounts(build);
      const transfer = itemNamed(report, 'transfer');
      // One await: Unresumed, Suspend0, Returned and Panicked, although MIR has no path to Panicked.
      assert.equal(transfer.panicPaths?.resumedAfterPanic, false);
      assert.equal(transfer.states, 4);
      assert.equal(variants.get(transfer.layouts[0]!.typeName), 4);
      assert.equal(itemNamed(report, 'run').states, 5);

      const held = suspendBytes(build.crates.flatMap((c) => c.typeSizes));
      assert.deepEqual([...held.keys()].sort(), ['bool', 'u16']);
      assert.ok(
        held.get('u16')! > held.get('bool')!,
        `${JSON.stringify([...held])}: the fixture holds more in u16`,
      );
      assert.equal(transfer.layouts[0]!.typeName, '{async fn body of transfer<u16>()}');
      assert.equal(transfer.heldAcrossAwait[0]?.bytes, held.get('u16'));
      assert.deepEqual(
        transfer.duplicatedArgs.map((a) => [a.name, a.bytes]),
        [
          ['tag', 8],
          ['x', 2],
        ],
      );
    });
  });
}
