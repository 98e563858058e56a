// `npm run fuzz`: the fuzz targets of `npm test` (test/fuzz/targets.ts) with a long budget: FUZZ_RUNS cases
// per reader (default 100,000; `npm run fuzz -- demangle elf` for some), a random seed printed for replay.
// It reports per reader: cases, crashes (an exception the reader does not document), hangs (a case over
// FUZZ_CASE_MS, default 2 s) and the slowest case with its size. Exits 1 on any crash or hang.
import fc from 'fast-check';
import { fuzzTargets } from '../test/fuzz/targets.ts';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const caseMs = Number(process.env.FUZZ_CASE_MS ?? 2000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const wanted = process.argv.slice(2);

const targets = (await fuzzTargets()).filter((t) => wanted.length === 0 || wanted.includes(t.name));
console.log(
  `fuzz: ${runs} cases per reader, seed ${seed} (FUZZ_SEED replays), a hang is a case over ${caseMs} ms`,
);
let bad = 0;
for (const t of targets) {
  let crashes = 0;
  let hangs = 0;
  let slowest = { ms: 0, bytes: 0 };
  let firstCrash = '';
  const started = performance.now();
  fc.assert(
    fc.property(t.input(), (input) => {
      const s = performance.now();
      try {
        // Targets are synchronous apart from loading the parser, done once in fuzzTargets.
        void t.run(input);
      } catch (e) {
        crashes++;
        firstCrash ||= `${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')} (${input.length} bytes)`;
      }
      const ms = performance.now() - s;
      if (ms > caseMs) hangs++;
      if (ms > slowest.ms) slowest = { ms, bytes: input.length };
      return true;
    }),
    { numRuns: runs, seed },
  );
  bad += crashes + hangs;
  console.log(
    `${t.name.padEnd(12)} ${String(runs).padStart(7)} cases  ${crashes} crashes  ${hangs} hangs  slowest ${slowest.ms.toFixed(1)} ms (${slowest.bytes} bytes)  ${((performance.now() - started) / 1000).toFixed(0)} s` +
      (firstCrash ? `\n  first crash: ${firstCrash}` : ''),
  );
}
process.exitCode = bad === 0 ? 0 : 1;
