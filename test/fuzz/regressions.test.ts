// The input classes the bad-input probe found (issue #13), each kept as a regression: deep nesting in the
// effect analysis (a stack overflow stopped the whole scan), a long `else if` chain (the inventory walked
// every ancestor of every await: quadratic, minutes for 2,000 branches), ELF headers past the end of the file,
// and a macro name longer than a regex may be (the fuzzer spliced 60,000 `x`s into a `macro_rules!`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { readElf } from 'asyncbloat/readers';
import { loadRustParser } from '../../src/readers/rust-source/parser.ts';
import { RULES } from '../../src/rules/index.ts';
import { analyzeFile } from '../../src/scan/analyze-file.ts';
import { buildThumb } from '../code/support/fixtures.ts';

async function scanText(src: string) {
  const parser = await loadRustParser();
  const start = performance.now();
  const r = analyzeFile(parser, src, 'src/lib.rs', '', RULES, '2021', []);
  return { ...r, ms: performance.now() - start };
}

describe('bad-input regressions', () => {
  test('a macro_rules! named with 60,000 characters: no crash (the token search made a regex too large)', async () => {
    const name = 'x'.repeat(60_000);
    const r = await scanText(
      `macro_rules! ${name} {\n    ($l:expr) => {{ $l.send().await }};\n}\nasync fn f() -> u8 {\n    g().await\n}\n`,
    );
    assert.deepEqual(
      r.items.map((i) => [i.name, i.awaits]),
      [['f', 1]],
    );
  });

  test('20,000 nested parentheses in an awaited call: findings, no stack overflow', async () => {
    const n = 20_000;
    const r = await scanText(`async fn f() -> u32 {\n    g(${'('.repeat(n)}1${')'.repeat(n)}).await\n}\n`);
    assert.equal(r.items.length, 1);
    const wrapper = r.findings.find((f) => f.rule === 'single-await-wrapper');
    assert.ok(wrapper, 'the wrapper is still reported');
    // The nesting is not analysed, so the rewrite cannot be called safe.
    assert.notEqual(wrapper.fix?.applicability, 'machine-applicable');
  });

  test('a 1,000-branch else-if chain scans in well under a second per thousand branches', async () => {
    const branches = Array.from({ length: 1000 }, (_, i) => `else if k == ${i + 1} { b${i}(k).await }`).join(
      ' ',
    );
    const r = await scanText(
      `async fn f(k: u32) -> u32 { if k == 0 { a(k).await } ${branches} else { c(k).await } }\n`,
    );
    assert.equal(r.items[0]?.awaits, 1002);
    // Minutes before the fix; a generous bound so a loaded machine cannot flake.
    assert.ok(r.ms < 5000, `${r.ms.toFixed(0)} ms`);
  });

  test('5,000 one-line async wrappers in one file scan in under 5 s (the rules rescanned the file per item: 40 s)', async () => {
    const src = Array.from({ length: 5000 }, (_, i) => `async fn w${i}() -> u8 { g${i}().await }\n`).join('');
    const r = await scanText(src);
    assert.equal(r.items.length, 5000);
    assert.equal(r.findings.filter((f) => f.rule === 'single-await-wrapper').length, 5000);
    assert.ok(r.ms < 5000, `${r.ms.toFixed(0)} ms`);
  });

  test('ELF section headers past the end of the file: an ElfError, not a crash', () => {
    const elf = new Uint8Array(readFileSync(buildThumb({ stackSizes: true })));
    const manySections = new Uint8Array(elf);
    new DataView(manySections.buffer).setUint16(48, 0xffff, true); // e_shnum of an ELF32 file
    assert.throws(() => readElf(manySections), { name: 'ElfError', message: /past the end of the file/ });
    const farTable = new Uint8Array(elf);
    new DataView(farTable.buffer).setUint32(32, 0x7fff_ffff, true); // e_shoff
    assert.throws(() => readElf(farTable), { name: 'ElfError', message: /past the end of the file/ });
  });
});
