// The demangler against rustfilt (rustc-demangle): every symbol of every fixture build (legacy, v0,
// nightly; punycode `送信`, closures, impls, generics) and a large sample of librustc_driver's, both
// with hashes stripped (rustfilt's default) and kept (`rustfilt -h`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { demangle, isRustSymbol } from '../../src/readers/demangle/index.ts';
import { readElf } from '../../src/readers/elf.ts';
import { has, need } from '../support/require.ts';
import { buildAsyncfix, MATRIX, run, rustfilt } from './support/fixtures.ts';

function symbolNames(file: string): string[] {
  const elf = readElf(readFileSync(file), { fileName: file });
  return [...new Set([...elf.symbols, ...elf.dynamicSymbols].map((s) => s.name).filter(Boolean))].sort();
}

function assertSameAsRustfilt(names: string[], what: string): void {
  for (const keepHash of [false, true]) {
    const expected = rustfilt(names, keepHash);
    const mismatches: string[] = [];
    names.forEach((n, i) => {
      const got = demangle(n, { keepHash });
      if (got !== expected[i]) mismatches.push(`${n}\n  ours:     ${got}\n  rustfilt: ${expected[i]}`);
    });
    assert.equal(
      mismatches.length,
      0,
      `${what} (keepHash=${keepHash}): ${mismatches.length} differ, first:\n${mismatches[0]}`,
    );
  }
}

describe('demangle equals rustfilt', () => {
  for (const spec of MATRIX) {
    test(`every symbol of ${spec.id} (${spec.describe})`, (t) => {
      if (!need(t, 'rustfilt', has.rustfilt())) return;
      if (spec.toolchain === 'nightly' && !need(t, 'nightly rustc', has.nightly())) return;
      const b = buildAsyncfix(spec);
      const names = [...new Set([...symbolNames(b.bin), ...symbolNames(b.cdylib)])];
      const rust = names.filter(isRustSymbol);
      assert.ok(rust.length > 100, `${rust.length} Rust symbols`);
      if (spec.v0 || spec.toolchain === 'nightly')
        assert.ok(
          names.some((n) => n.startsWith('_RNCNvCs')),
          'v0 closure symbols',
        );
      else
        assert.ok(
          names.some((n) => n.startsWith('_ZN8asyncfix')),
          'legacy user symbols',
        );
      assertSameAsRustfilt(names, spec.id);
      // Sanity that the corpus exercises what it should: punycode and closures came out readable.
      const out = names.map((n) => demangle(n));
      assert.ok(
        out.some((n) => n.includes('asyncfix::送信::')),
        'punycode / unicode escape decoded',
      );
      assert.ok(out.some((n) => /asyncfix::two_awaits::\{(\{closure\}|closure#0)\}/.test(n)));
    });
  }

  test('a sample of >= 20k symbols from librustc_driver (v0 + legacy)', (t) => {
    if (!need(t, 'rustfilt', has.rustfilt())) return;
    const lib = join(run('rustc', ['+stable', '--print', 'sysroot']).trim(), 'lib');
    const so = readdirSync(lib).find((f) => /^librustc_driver-.*\.so$/.test(f));
    assert.ok(so, 'librustc_driver in the sysroot');
    const names = symbolNames(join(lib, so));
    // Every 5th name of the sorted list: spreads over all crates and both manglings.
    const sample = names.filter((_, i) => i % 5 === 0);
    assert.ok(sample.length >= 20_000, `${sample.length} sampled`);
    assert.ok(sample.filter((n) => n.startsWith('_ZN')).length > 200, 'legacy symbols in the sample');
    assertSameAsRustfilt(sample, 'librustc_driver sample');
  });

  test('non-Rust symbols come back unchanged', () => {
    for (const s of [
      'main',
      'memcpy@GLIBC_2.14',
      '_ZNSt6vectorIiSaIiEE9push_backERKi',
      '__rust_alloc',
      '_Z3foov',
      'R',
      '_R',
      '_ZN',
    ])
      assert.equal(demangle(s), s);
  });
});

test('backrefs to backrefs cannot explode: the output stops at rustc-demangle’s limit, as rustfilt’s does', (t) => {
  // Each tuple holds two backrefs to the one before it: the text doubles per tuple (2^40 without a limit).
  const base62 = (n: number) => {
    if (n === 0) return '_';
    const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let s = '';
    for (let v = n - 1; ; v = Math.floor(v / 62)) {
      s = digits[v % 62] + s;
      if (v < 62) break;
    }
    return `${s}_`;
  };
  let sym = '_RINvC1a1f';
  let prev = sym.length - 2;
  sym += 'TuuE';
  for (let i = 0; i < 40; i++) {
    const here = sym.length - 2;
    sym += `TB${base62(prev)}B${base62(prev)}E`;
    prev = here;
  }
  sym += 'E';
  const out = demangle(sym);
  assert.ok(out.endsWith('{size limit reached}'), out.slice(-40));
  assert.ok(out.length <= 1_000_000 + '{size limit reached}'.length);
  if (!need(t, 'rustfilt', has.rustfilt())) return;
  const filtered = execFileSync('rustfilt', { input: `${sym}\n`, encoding: 'utf8', maxBuffer: 4 << 20 });
  assert.equal(out, filtered.trimEnd());
});
