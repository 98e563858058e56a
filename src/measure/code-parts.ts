// Sums over an item's measured machine code by kind of part, for every output that splits it (analyze's
// tables, diff, savings). The parts come from code-size.ts.
import type { CodePart, CodeSize } from '../model/report.ts';

/** Bytes of the item's parts of one kind (`poll`, `drop`, `runtime`). */
export function partBytes(code: CodeSize, kind: CodePart['kind']): number {
  return code.parts.filter((p) => p.kind === kind).reduce((n, p) => n + p.bytes, 0);
}

/**
 * Bytes of generic code monomorphised for this future's type: the executor's (`Harness<F>::poll`,
 * `Core<F>::poll`), core's (`<F as IntoFuture>::into_future`), ... (CodePart kind `runtime`). It is the
 * future's cost, but not code of the future's own: an 8-byte spawned block can bring 30 KiB of it. Outputs
 * show it apart so the two are not confused.
 */
export function runtimeCodeBytes(code: CodeSize): number {
  return partBytes(code, 'runtime');
}
