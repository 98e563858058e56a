// Checks of an AnalysisReport against the compiler's own text, shared by the analyze tests. The compiler
// text is read with plain regexes here, independently of asyncbloat's readers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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

/** `type -> number of variants` rustc printed for it, from the same files. */
export function rustcVariantCounts(build: BuildArtifacts): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of build.crates.flatMap((c) => c.typeSizes)) {
    let type: string | undefined;
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const header = /^print-type-size type: `(.*)`: \d+ bytes,/.exec(line);
      if (header) type = header[1];
      else if (type !== undefined && /^print-type-size {5}variant `/.test(line)) {
        counts.set(type, (counts.get(type) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** A unit's MIR as one text: its dump files (one body each) joined. */
export function mirText(files: string[]): string {
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** Poll bodies in a unit's MIR, by the detector in the rustc-outputs reference (by-move closure bodies excluded). */
export function mirPollBodies(files: string[]): number {
  const re = /^fn ([^(]*)\(_1: ((std|core)::pin::)?Pin<&mut \{async (fn body of|block@|closure body@)/gm;
  return [...mirText(files).matchAll(re)].filter((m) => !m[1]!.includes('{synthetic#')).length;
}

/** Every layout size equals rustc's; future size is the largest instantiation; states = suspends + fixed. */
export function checkAgainstCompiler(report: AnalysisReport, build: BuildArtifacts): number {
  const sizes = rustcTypeSizes(build);
  const variants = rustcVariantCounts(build);
  let layouts = 0;
  for (const item of report.items) {
    for (const l of item.layouts) {
      assert.equal(l.bytes, sizes.get(l.typeName), `${item.name}: ${l.typeName}`);
      layouts++;
    }
    if (item.layouts.length > 0)
      assert.equal(item.futureBytes, Math.max(...item.layouts.map((l) => l.bytes)));
    if (item.states !== null) {
      // MIR's state switch: Unresumed, Returned, a Suspend per await, Panicked where a path leads there.
      const fixed = 2 + (item.panicPaths?.resumedAfterPanic ? 1 : 0);
      const reachable = item.suspendPoints! + fixed;
      // rustc's layout lists every variant, Panicked too under panic=abort: that is the count reported.
      const laidOut = item.layouts[0] && variants.get(item.layouts[0].typeName);
      if (laidOut === undefined) assert.equal(item.states, reachable, `${item.name}: states`);
      else {
        assert.equal(item.states, laidOut, `${item.name}: states = rustc's variants`);
        assert.ok(laidOut === reachable || laidOut === reachable + 1, `${item.name}: ${laidOut} variants`);
      }
    }
  }
  return layouts;
}

export function itemNamed(report: AnalysisReport, name: string, crate?: string): AnalyzedItem {
  const hit = report.items.find((i) => i.name === name && (crate === undefined || i.crate === crate));
  assert.ok(hit, `no item ${name} in ${report.items.map((i) => i.name).join(', ')}`);
  return hit;
}

/**
 * Every code part's bytes equal the sum of `nm -S` sizes of the symbols rustfilt demangles to its name, and
 * its copy count equals how many there are. Returns the number of parts checked.
 */
export function checkCodeAgainstNm(report: AnalysisReport): number {
  assert.ok(report.build.artifact, 'the report names its artifact');
  const nm = execFileSync('nm', ['-S', '--defined-only', resolve(report.root, report.build.artifact)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const names = execFileSync('rustfilt', { input: nm, encoding: 'utf8', maxBuffer: 1 << 28 });
  const sizes = new Map<string, { bytes: number; copies: number }>();
  for (const m of names.matchAll(/^[0-9a-f]+ ([0-9a-f]+) [tTwW] (.*)$/gm)) {
    const s = sizes.get(m[2]!) ?? { bytes: 0, copies: 0 };
    s.bytes += Number.parseInt(m[1]!, 16);
    s.copies++;
    sizes.set(m[2]!, s);
  }
  let parts = 0;
  for (const item of report.items) {
    for (const p of item.code?.parts ?? []) {
      assert.deepEqual(
        { bytes: p.bytes, copies: p.copies },
        sizes.get(p.symbol),
        `${item.name}: ${p.symbol}`,
      );
      parts++;
    }
    if (item.code) {
      assert.equal(
        item.code.codeBytes,
        item.code.parts.reduce((n, p) => n + p.bytes, 0),
        `${item.name}: codeBytes`,
      );
    }
  }
  return parts;
}
