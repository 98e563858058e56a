// Code-size attribution against an independent oracle: `nm -S` sizes + rustfilt names matched with
// per-item regexes, over the build matrix (bin everywhere; staticlib and cdylib for the release builds).
// MIR paths come from the fixture's real `--emit=mir`, so impl spans are rustc's own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { loadCodeObjects, loadSymbolsOnly } from '../../src/measure/code-objects.ts';
import { attributeCode, type CoroutineRef } from '../../src/measure/code-size.ts';
import { has, need } from '../support/require.ts';
import {
  asyncfixMirCoroutines,
  type BuildSpec,
  buildAsyncfix,
  MATRIX,
  nmSized,
  run,
  rustfilt,
} from './support/fixtures.ts';

interface Expectation {
  mir: RegExp;
  /** The poll fn's demangled name under v0 and legacy mangling; 'ambiguous' when legacy cannot tell. */
  v0: RegExp;
  legacy: RegExp | 'ambiguous';
  /** Never has a symbol of its own (the by-move body of an async closure). */
  none?: true;
}

const EXPECTED: Expectation[] = [
  {
    mir: /^two_awaits::\{closure#0\}$/,
    v0: /^asyncfix::two_awaits::\{closure#0\}$/,
    legacy: /^asyncfix::two_awaits::\{\{closure\}\}$/,
  },
  {
    mir: /^generic::\{closure#0\}$/,
    v0: /^asyncfix::generic::<[^{}]+>::\{closure#0\}$/,
    legacy: /^asyncfix::generic(?:<[^{}]+>)?::\{\{closure\}\}$/,
  },
  {
    mir: /^hot::\{closure#0\}$/,
    v0: /^asyncfix::hot::\{closure#0\}$/,
    legacy: /^asyncfix::hot::\{\{closure\}\}$/,
  },
  {
    mir: /^leaf::\{closure#0\}$/,
    v0: /^asyncfix::leaf::\{closure#0\}$/,
    legacy: /^asyncfix::leaf::\{\{closure\}\}$/,
  },
  {
    mir: /^<impl at src\/lib\.rs:[\d:, ]+>::call::\{closure#0\}$/,
    v0: /^<asyncfix::Svc as asyncfix::Service>::call::\{closure#0\}$/,
    legacy: /^<asyncfix::Svc as asyncfix::Service>::call::\{\{closure\}\}$/,
  },
  {
    mir: /^radio::<impl at src\/radio\.rs:[\d:, ]+>::send::\{closure#0\}$/,
    v0: /^<asyncfix::radio::Radio>::send::\{closure#0\}$/,
    legacy: /^asyncfix::radio::Radio::send::\{\{closure\}\}$/,
  },
  {
    mir: /^with_block::\{closure#0\}$/,
    v0: /^asyncfix::with_block::\{closure#0\}$/,
    legacy: /^asyncfix::with_block::\{\{closure\}\}$/,
  },
  {
    mir: /^送信::\{closure#0\}$/,
    v0: /^asyncfix::送信::\{closure#0\}$/,
    legacy: /^asyncfix::送信::\{\{closure\}\}$/,
  },
  { mir: /^two_blocks::\{closure#0\}$/, v0: /^asyncfix::two_blocks::\{closure#0\}$/, legacy: 'ambiguous' },
  { mir: /^two_blocks::\{closure#1\}$/, v0: /^asyncfix::two_blocks::\{closure#1\}$/, legacy: 'ambiguous' },
  {
    mir: /^run_all_inner::\{closure#0\}::\{closure#0\}$/,
    v0: /^asyncfix::run_all_inner::\{closure#0\}::\{closure#0\}::<i16>$/,
    legacy: /^asyncfix::run_all_inner::\{\{closure\}\}::\{\{closure\}\}(?:<i16>)?$/,
  },
  {
    mir: /^run_all_inner::\{closure#0\}$/,
    v0: /^asyncfix::run_all_inner::\closure#0\$/,
    legacy: /^asyncfix::run_all_inner::\\closure\\$/,
  },
  { mir: /\{synthetic#0\}$/, v0: /^$/, legacy: /^$/, none: true },
];

interface OracleFn {
  raw: string;
  demangled: string;
  bytes: number;
  copies: number;
}

/** Function symbols from nm -S (T/t/W/w), grouped by raw name (ThinLTO `.llvm.N` folded), named by rustfilt. */
function oracleFunctions(file: string): OracleFn[] {
  const groups = new Map<string, OracleFn>();
  for (const s of nmSized(file)) {
    if (!/[TtWw]/.test(s.type)) continue;
    const raw = s.name.replace(/\.llvm\.\d+$/, '');
    const g = groups.get(raw);
    if (g) {
      g.bytes += s.size;
      g.copies++;
    } else groups.set(raw, { raw, demangled: '', bytes: s.size, copies: 1 });
  }
  const list = [...groups.values()];
  const names = rustfilt(list.map((g) => g.raw));
  list.forEach((g, i) => {
    g.demangled = names[i]!;
  });
  return list;
}

/** A poll regex turned into the drop-glue argument form (type position: `f<T>` rather than `f::<T>`). */
function dropRegex(poll: RegExp): RegExp {
  const inner = poll.source.replace(/^\^/, '').replace(/\$$/, '').replaceAll('::<', '(?:::)?<');
  return new RegExp(`^core::ptr::drop_(?:in_place|glue)(?:::)?<${inner}>$`);
}

function mentions(poll: RegExp): RegExp {
  const inner = poll.source.replace(/^\^/, '').replace(/\$$/, '').replaceAll('::<', '(?:::)?<');
  return new RegExp(`[<, ]${inner}[>,]`);
}

const fmt = (parts: { symbol: string; bytes: number; copies: number }[]): string[] =>
  parts.map((p) => `${p.symbol} ${p.bytes}x${p.copies}`).sort();

/** Checks one artifact; returns the largest `copies` seen (CGU duplicates). */
function checkArtifact(spec: BuildSpec, file: string, mir: string[]): number {
  const v0 = spec.v0 || spec.toolchain === 'nightly';
  const refs: CoroutineRef[] = mir.map((path) => ({ crate: 'asyncfix', path }));
  const { objects } = loadCodeObjects(readFileSync(file), file);
  const result = attributeCode(objects, refs);
  const oracle = oracleFunctions(file);
  const crateSymbols = new Set<OracleFn>();
  let polls = 0;
  let copies = 0;
  for (const item of result.items) {
    const exp = EXPECTED.find((e) => e.mir.test(item.coroutine.path));
    assert.ok(exp, `no expectation for MIR path ${item.coroutine.path}`);
    const where = `${spec.id} ${file.split('/').pop()} ${item.coroutine.path}`;
    const pollRe = v0 ? exp.v0 : exp.legacy;
    if (pollRe === 'ambiguous') {
      assert.ok(item.ambiguous && item.ambiguous.length >= 2, `${where}: expected an ambiguity report`);
      assert.equal(item.ambiguity, 'legacy', `${where}: reported as legacy mangling's`);
      assert.equal(item.code.codeBytes, 0);
      continue;
    }
    assert.equal(item.ambiguous, undefined, `${where}: ${item.ambiguous}`);
    if (exp.none) {
      assert.deepEqual(item.code, { codeBytes: 0, parts: [], inlined: true }, where);
      continue;
    }
    const expPoll = oracle.filter((f) => pollRe.test(f.demangled));
    const expDrop = oracle.filter((f) => dropRegex(pollRe).test(f.demangled));
    const mention = mentions(pollRe);
    const expRuntime = oracle.filter(
      (f) => !expPoll.includes(f) && !expDrop.includes(f) && mention.test(f.demangled),
    );
    const of = (kind: string) => item.code.parts.filter((p) => p.kind === kind);
    const toParts = (fs: OracleFn[]) =>
      fs.map((f) => ({ symbol: f.demangled, bytes: f.bytes, copies: f.copies }));
    assert.deepEqual(fmt(of('poll')), fmt(toParts(expPoll)), `${where}: poll fns`);
    assert.deepEqual(fmt(of('drop')), fmt(toParts(expDrop)), `${where}: drop glue`);
    assert.deepEqual(fmt(of('runtime')), fmt(toParts(expRuntime)), `${where}: runtime instantiations`);
    assert.equal(item.code.inlined, expPoll.length === 0, `${where}: inlined flag`);
    const sum = [...expPoll, ...expDrop, ...expRuntime].reduce((n, f) => n + f.bytes, 0);
    assert.equal(item.code.codeBytes, sum, `${where}: codeBytes`);
    for (const f of [...expPoll, ...expDrop, ...expRuntime]) crateSymbols.add(f);
    polls += expPoll.length;
    for (const f of expPoll) copies = Math.max(copies, f.copies);
  }
  assert.ok(
    polls >= 4,
    `${spec.id}: only ${polls} poll fns survived; the fixture no longer exercises attribution`,
  );
  const crate = result.crates.find((x) => x.crate === 'asyncfix');
  assert.equal(
    crate?.asyncCodeBytes,
    [...crateSymbols].reduce((n, f) => n + f.bytes, 0),
    `${spec.id}: crate total`,
  );
  // .text (+ .text.* in objects) from readelf's section table.
  let text = 0;
  for (const m of run('readelf', ['-SW', file]).matchAll(
    /\] \.text(?:\.\S*)?\s+PROGBITS\s+[0-9a-f]+ [0-9a-f]+ ([0-9a-f]+)/g,
  ))
    text += Number.parseInt(m[1]!, 16);
  assert.equal(result.textBytes, text, `${spec.id}: .text bytes`);
  return copies;
}

describe('code-size attribution equals nm -S + rustfilt', () => {
  let mir: string[] = [];
  before(() => {
    mir = asyncfixMirCoroutines();
  });

  test('the MIR of the fixture names every expected coroutine', () => {
    for (const e of EXPECTED)
      assert.ok(
        mir.some((m) => e.mir.test(m)),
        `MIR lacks ${e.mir}`,
      );
  });

  for (const spec of MATRIX) {
    test(`${spec.id} (${spec.describe})`, (t) => {
      if (!need(t, 'rustfilt', has.rustfilt())) return;
      if (spec.toolchain === 'nightly' && !need(t, 'nightly rustc', has.nightly())) return;
      const b = buildAsyncfix(spec);
      const copies = checkArtifact(spec, b.bin, mir);
      // codegen-units = 16: the `#[inline]` async fn used from two CGUs of the bin has two local copies.
      if (spec.id === 'v0-release') assert.ok(copies >= 2, `expected CGU duplicates, max copies ${copies}`);
      if (spec.profile === 'release') {
        checkArtifact(spec, b.cdylib, mir);
        checkArtifact(spec, b.staticlib, mir);
      }
    });
  }

  test('loadSymbolsOnly (partial reads) gives the same symbols and attribution as full reads', () => {
    const b = buildAsyncfix(MATRIX[3]!);
    const refs = mir.map((path) => ({ crate: 'asyncfix', path }));
    for (const file of [b.bin, b.cdylib, b.staticlib]) {
      const full = loadCodeObjects(readFileSync(file), file).objects;
      const partial = loadSymbolsOnly(file);
      assert.equal(partial.skipped, undefined);
      assert.deepEqual(
        partial.objects.map((o) => [o.name, o.elf.symbols, o.elf.dynamicSymbols]),
        full.map((o) => [o.name, o.elf.symbols, o.elf.dynamicSymbols]),
      );
      assert.deepEqual(attributeCode(partial.objects, refs), attributeCode(full, refs));
    }
  });

  test('selfType narrows impl matches; unknown paths are reported inlined with no parts, never a silent 0', () => {
    const b = buildAsyncfix(MATRIX[3]!);
    const { objects } = loadCodeObjects(readFileSync(b.bin), b.bin);
    const send = mir.find((m) => m.includes('::send::'))!;
    const r = attributeCode(objects, [
      { crate: 'asyncfix', path: send, selfType: 'Radio' },
      { crate: 'asyncfix', path: send, selfType: 'NotRadio' },
      { crate: 'asyncfix', path: 'does_not_exist::{closure#0}' },
      { crate: 'other_crate', path: 'two_awaits::{closure#0}' },
    ]);
    assert.equal(r.items[0]!.symbolPath, '<asyncfix::radio::Radio>::send::{closure#0}');
    for (const i of r.items.slice(1)) {
      assert.equal(i.symbolPath, undefined);
      assert.deepEqual(i.code, { codeBytes: 0, parts: [], inlined: true });
    }
  });
});
