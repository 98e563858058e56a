// Bounded cost, asserted: a reader timed on an input of size n and of size 8n. Linear cost gives a ratio
// near 8, quadratic near 64; the bound of 24 leaves room for a loaded 2-core CI machine. n doubles from the
// builder's start until t(n) is at least 20 ms, so timer noise cannot decide, and each time is the fastest
// of three runs, each after a full garbage collection (the last run's garbage is not this run's cost).
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
export interface Scaling {
  n: number;
  msN: number;
  ms8N: number;
  ratio: number;
}

export const MAX_RATIO = 24;
const MIN_MS = 20;
/** n stops growing here: a reader this fast on input this large is bounded enough for any test. */
const MAX_DOUBLINGS = 16;

function timed<T>(input: T, run: (input: T) => unknown): number {
  gc();
  const start = performance.now();
  run(input);
  return performance.now() - start;
}

function fastest<T>(input: T, run: (input: T) => unknown, runs = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) best = Math.min(best, timed(input, run));
  return best;
}

/** n and 8n timed in turn, three times each, so a burst of load from elsewhere slows both alike. */
function measure<T>(small: T, large: T, run: (input: T) => unknown, n: number): Scaling {
  let msN = Number.POSITIVE_INFINITY;
  let ms8N = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    msN = Math.min(msN, timed(small, run));
    ms8N = Math.min(ms8N, timed(large, run));
  }
  return { n, msN, ms8N, ratio: ms8N / msN };
}

export function scaling<T>(build: (n: number) => T, run: (input: T) => unknown, start = 1): Scaling {
  let n = start;
  // A cold first run (the JIT still compiling the reader) says nothing about n.
  timed(build(n), run);
  let msN = fastest(build(n), run);
  for (let i = 0; msN < MIN_MS && i < MAX_DOUBLINGS; i++) {
    n *= 2;
    // One run while n grows; three once it looks large enough (a slow single run may be noise).
    msN = fastest(build(n), run, 1);
    if (msN >= MIN_MS) msN = fastest(build(n), run);
  }
  const small = build(n);
  const large = build(8 * n);
  const first = measure(small, large, run, n);
  // Once more before failing: a quadratic reader fails twice (ratio near 64), a noisy moment rarely does.
  if (first.ratio < MAX_RATIO) return first;
  const second = measure(small, large, run, n);
  return second.ratio < first.ratio ? second : first;
}
