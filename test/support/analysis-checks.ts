// Checks of an AnalysisReport against the compiler's own text, shared by the analyze tests. The compiler
// text is read with plain regexes here, independently of asyncbloat's readers.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { BuildArtifacts } from '../../src/cargo/build.ts';
import type { AnalysisReport, AnalyzedItem } from '../../src/model/report.ts';

/** `type -> bytes` from exactly the -Zprint-type-sizes files this build captured. */
export function rustcTypeSizes(build: BuildArtifacts): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const f of build.crates.flatMap((c) => c.typeSizes)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/^print-type-size type: `(.*)`: (\d+) bytes,/gm)) {
      sizes.set(m[1]!, Number(m[2]));
    }
  }
  return sizes;
}

/** Poll bodies in a MIR file, by the detector in the rustc-outputs reference (by-move closure bodies excluded). */
export function mirPollBodies(file: string): number {
  const re = /^fn ([^(]*)\(_1: ((std|core)::pin::)?Pin<&mut \{async (fn body of|block@|closure body@)/gm;
  return [...readFileSync(file, 'utf8').matchAll(re)].filter((m) => !m[1]!.includes('{synthetic#')).length;
}

/** Every layout size equals rustc's; future size is the largest instantiation; states = suspends + fixed. */
export function checkAgainstCompiler(report: AnalysisReport, build: BuildArtifacts): number {
  const sizes = rustcTypeSizes(build);
  let layouts = 0;
  for (const item of report.items) {
    for (const l of item.layouts) {
      assert.equal(l.bytes, sizes.get(l.typeName), `${item.name}: ${l.typeName}`);
      layouts++;
    }
    if (item.layouts.length > 0) assert.equal(item.futureBytes, Math.max(...item.layouts.map((l) => l.bytes)));
    if (item.states !== null) {
      const fixed = 2 + (item.panicPaths?.resumedAfterPanic ? 1 : 0);
      assert.equal(item.states, item.suspendPoints! + fixed, `${item.name}: states`);
    }
  }
  return layouts;
}

export function itemNamed(report: AnalysisReport, name: string, crate?: string): AnalyzedItem {
  const hit = report.items.find((i) => i.name === name && (crate === undefined || i.crate === crate));
  assert.ok(hit, `no item ${name} in ${report.items.map((i) => i.name).join(', ')}`);
  return hit;
}
