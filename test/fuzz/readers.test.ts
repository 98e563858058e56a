// Property-based fuzzing of every reader in `npm test`: a fixed budget per reader with a recorded seed, so a
// failure replays. Properties: never an exception the reader does not document, and every case within a
// time bound (a hang or a super-linear blow-up fails). `npm run fuzz` runs the same targets far longer.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type FuzzTarget, fuzzTargets } from './targets.ts';

/** Cases per reader in CI. */
const RUNS = 2000;
const SEED = 20261204;
/** A case slower than this is a hang (the slowest real case is far below). */
const CASE_LIMIT_MS = 2000;

let targets: FuzzTarget[] = [];
before(async () => {
  targets = await fuzzTargets();
});

describe('fuzz: every reader, mutated real inputs', () => {
  for (const name of ['mir', 'type-sizes', 'elf', 'stack-sizes', 'ar', 'demangle', 'rust-source']) {
    test(name, async () => {
      const target = targets.find((t) => t.name === name)!;
      let slowest = 0;
      await fc.assert(
        fc.asyncProperty(target.input(), async (input) => {
          const start = performance.now();
          await target.run(input);
          const ms = performance.now() - start;
          slowest = Math.max(slowest, ms);
          assert.ok(ms < CASE_LIMIT_MS, `${name}: a ${input.length}-byte case took ${ms.toFixed(0)} ms`);
        }),
        { numRuns: name === 'rust-source' ? RUNS / 4 : RUNS, seed: SEED },
      );
      assert.ok(slowest < CASE_LIMIT_MS);
    });
  }
});
