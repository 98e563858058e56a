// ELF and ar readers against binutils on binaries the tests build: every sized symbol equals `nm -S`,
// types/binds/sections equal `readelf -sW`, relocations equal `readelf -rW`, archive members equal
// `ar t`; ARM Thumb (ELF32 LE) and PowerPC (ELF32 BE) files; bad input gives ElfError, never a crash.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isArchive, readArchive } from '../../src/readers/ar-archive.ts';
import {
  ElfError,
  type ElfFile,
  readElf,
  SHN_ABS,
  SHN_COMMON,
  SHN_UNDEF,
  STT_FILE,
  STT_SECTION,
  sectionByName,
  textBytes,
} from '../../src/readers/elf.ts';
import { has, need } from '../support/require.ts';
import {
  buildAsyncfix,
  buildPowerpcObject,
  buildThumb,
  MATRIX,
  nmSized,
  run,
  STRIPPED,
} from './support/fixtures.ts';

/** The (value, size, name) triples nm -S prints: defined, sized, not FILE/SECTION symbols. */
function sizedTriples(elf: ElfFile): string[] {
  return elf.symbols
    .filter(
      (s) =>
        s.name !== '' && s.size > 0 && s.shndx !== SHN_UNDEF && s.type !== STT_FILE && s.type !== STT_SECTION,
    )
    .map((s) => `${s.value + (s.thumb ? 1 : 0)} ${s.size} ${s.name}`)
    .sort();
}

function nmTriples(file: string, member = ''): string[] {
  return nmSized(file)
    .filter((s) => s.member === member)
    .map((s) => `${s.value} ${s.size} ${s.name}`)
    .sort();
}

interface ReadelfSym {
  num: number;
  value: number;
  size: number;
  type: string;
  bind: string;
  vis: string;
  ndx: string;
  name: string;
}

function readelfSymbols(file: string, table: '.symtab' | '.dynsym'): ReadelfSym[] {
  const out: ReadelfSym[] = [];
  let inTable = false;
  for (const line of run('readelf', ['-sW', file]).split('\n')) {
    if (line.startsWith('Symbol table')) inTable = line.includes(`'${table}'`);
    const m = /^\s*(\d+): ([0-9a-f]+)\s+(0x[0-9a-f]+|\d+) (\S+)\s+(\S+)\s+(\S+)\s+(\S+) ?(.*)$/.exec(line);
    if (!inTable || !m) continue;
    out.push({
      num: Number(m[1]),
      value: Number.parseInt(m[2]!, 16),
      size: Number(m[3]),
      type: m[4]!,
      bind: m[5]!,
      vis: m[6]!,
      ndx: m[7]!,
      name: m[8]!.replace(/@.*$/, ''),
    });
  }
  return out;
}

const TYPES: Record<number, string> = {
  0: 'NOTYPE',
  1: 'OBJECT',
  2: 'FUNC',
  3: 'SECTION',
  4: 'FILE',
  5: 'COMMON',
  6: 'TLS',
  10: 'IFUNC',
};
const VIS = ['DEFAULT', 'INTERNAL', 'HIDDEN', 'PROTECTED'];

function ndxText(shndx: number): string {
  if (shndx === SHN_UNDEF) return 'UND';
  if (shndx === SHN_ABS) return 'ABS';
  if (shndx === SHN_COMMON) return 'COM';
  return String(shndx);
}

function assertMatchesReadelf(file: string, elf: ElfFile, table: '.symtab' | '.dynsym'): void {
  const expected = readelfSymbols(file, table);
  const ours = table === '.symtab' ? elf.symbols : elf.dynamicSymbols;
  assert.equal(ours.length, expected.length, `${table} entry count`);
  for (const e of expected) {
    const s = ours[e.num]!;
    const got = {
      num: s.index,
      value: s.value + (s.thumb ? 1 : 0),
      size: s.size,
      type: TYPES[s.type] ?? String(s.type),
      bind: s.bind.toUpperCase(),
      vis: VIS[s.visibility]!,
      ndx: ndxText(s.shndx),
      // readelf prints a section symbol's (empty) name as its section's name.
      name: s.name === '' && s.type === STT_SECTION ? elf.sections[s.shndx]!.name : s.name,
    };
    assert.deepEqual(got, e, `${file} ${table}[${e.num}]`);
  }
}

/** `readelf -rW` rows as `offset info addend` (addend only for RELA), in file order. */
function readelfRelocations(file: string): string[] {
  const out: string[] = [];
  for (const line of run('readelf', ['-rW', file]).split('\n')) {
    const m =
      /^([0-9a-f]{8,16})\s+([0-9a-f]{8,16})\s+\S+(?:\s+([0-9a-f]+)\s+\S.*?)?(?:\s+([+-])\s*([0-9a-f]+)|\s+([0-9a-f]+))?\s*$/.exec(
        line,
      );
    if (!m) continue;
    const addend = m[4]
      ? (m[4] === '-' ? -1 : 1) * Number.parseInt(m[5]!, 16)
      : m[6]
        ? Number.parseInt(m[6], 16)
        : 0;
    out.push(`${Number.parseInt(m[1]!, 16)} ${Number.parseInt(m[2]!, 16)} ${addend}`);
  }
  return out;
}

function ourRelocations(elf: ElfFile): string[] {
  const out: string[] = [];
  for (const rs of elf.relocationSections)
    for (const r of rs.relocations) {
      const info = elf.is64 ? r.symbolIndex * 2 ** 32 + r.type : r.symbolIndex * 256 + r.type;
      out.push(`${r.offset} ${info} ${r.addend}`);
    }
  return out;
}

const load = (file: string, allowStripped = false): ElfFile =>
  readElf(readFileSync(file), { fileName: file, allowStripped });

describe('readElf on the fixture build matrix', () => {
  for (const spec of MATRIX) {
    test(`${spec.id} (${spec.describe}): bin and cdylib symbols equal nm -S`, (t) => {
      if (spec.toolchain === 'nightly' && !need(t, 'nightly rustc', has.nightly())) return;
      const b = buildAsyncfix(spec);
      for (const file of [b.bin, b.cdylib]) {
        const elf = load(file);
        const ours = sizedTriples(elf);
        assert.ok(ours.length > 100, `${file}: ${ours.length} sized symbols`);
        assert.deepEqual(ours, nmTriples(file), file);
      }
    });
  }

  test('every .symtab and .dynsym field equals readelf -sW; .text equals readelf -SW', () => {
    const b = buildAsyncfix(MATRIX[0]!);
    for (const file of [b.bin, b.cdylib]) {
      const elf = load(file);
      assertMatchesReadelf(file, elf, '.symtab');
      assertMatchesReadelf(file, elf, '.dynsym');
      const text = /\] \.text\s+PROGBITS\s+[0-9a-f]+ [0-9a-f]+ ([0-9a-f]+)/.exec(
        run('readelf', ['-SW', file]),
      );
      assert.equal(textBytes(elf), Number.parseInt(text![1]!, 16));
      assert.equal(sectionByName(elf, '.text')!.size, textBytes(elf));
    }
  });

  test('dynamic relocations (.rela.dyn, .rela.plt) equal readelf -rW', () => {
    const b = buildAsyncfix(MATRIX[0]!);
    for (const file of [b.bin, b.cdylib]) {
      const ours = ourRelocations(load(file));
      assert.ok(ours.length > 100);
      assert.deepEqual(ours, readelfRelocations(file), file);
    }
  });

  test('staticlib: members equal `ar t`, every member object equals nm -S', () => {
    const b = buildAsyncfix(MATRIX[0]!);
    const bytes = readFileSync(b.staticlib);
    assert.ok(isArchive(bytes));
    const archive = readArchive(bytes, b.staticlib);
    const arNames = run('ar', ['t', b.staticlib]).split('\n').filter(Boolean);
    assert.deepEqual(
      archive.members.map((m) => m.name),
      arNames,
    );
    assert.ok(archive.symbolIndex && archive.symbolIndex.length > 0, 'symbol index member');
    const nm = nmSized(b.staticlib);
    // nm -S over an archive prints each member's sized symbols under a `member:` header.
    const byMember = new Map<string, string[]>();
    for (const s of nm)
      byMember.set(s.member, [...(byMember.get(s.member) ?? []), `${s.value} ${s.size} ${s.name}`]);
    let checked = 0;
    for (const m of archive.members) {
      if (!m.name.endsWith('.o')) continue;
      const elf = readElf(m.bytes, { fileName: m.name, allowStripped: true });
      assert.deepEqual(sizedTriples(elf), (byMember.get(m.name) ?? []).sort(), m.name);
      checked++;
    }
    assert.ok(checked > 10, `${checked} members checked`);
  });
});

describe('32-bit and big-endian ELF', () => {
  test('ARM Thumb executable (rust-lld): symbols equal readelf -sW, Thumb bit cleared and recorded', () => {
    const file = buildThumb();
    const elf = load(file);
    assert.equal(elf.is64, false);
    assert.equal(elf.littleEndian, true);
    assertMatchesReadelf(file, elf, '.symtab');
    const funcs = elf.symbols.filter((s) => s.type === 2 && s.size > 0);
    assert.ok(funcs.length >= 4);
    for (const f of funcs) {
      assert.equal(f.thumb, true, f.name);
      assert.equal(f.value % 2, 0, f.name);
    }
  });

  test('PowerPC big-endian object: symbols equal readelf -sW, RELA relocations equal readelf -rW', () => {
    const file = buildPowerpcObject();
    const elf = load(file);
    assert.equal(elf.is64, false);
    assert.equal(elf.littleEndian, false);
    assertMatchesReadelf(file, elf, '.symtab');
    const ours = ourRelocations(elf);
    assert.ok(ours.length > 0);
    assert.deepEqual(ours, readelfRelocations(file));
  });
});

describe('ar formats', () => {
  for (const format of ['gnu', 'bsd'] as const) {
    test(`${format} archive built by llvm-ar: long and short member names, bytes, symbol index`, () => {
      const obj = readFileSync(buildPowerpcObject());
      const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-ar-'));
      try {
        // Longer than 16 chars: GNU puts it in the `//` table, BSD inline as `#1/<len>`.
        const names = ['a_member_with_a_long_name.o', 'b.o'];
        for (const n of names) writeFileSync(join(dir, n), obj);
        run('llvm-ar', [`--format=${format}`, 'rcs', join(dir, 'lib.a'), ...names.map((n) => join(dir, n))]);
        const archive = readArchive(readFileSync(join(dir, 'lib.a')));
        assert.deepEqual(
          archive.members.map((m) => m.name),
          run('llvm-ar', ['t', join(dir, 'lib.a')])
            .split('\n')
            .filter(Boolean),
        );
        assert.deepEqual(
          archive.members.map((m) => m.name),
          names,
        );
        for (const m of archive.members) assert.deepEqual(Buffer.from(m.bytes), obj);
        assert.ok(archive.symbolIndex && archive.symbolIndex.length > 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('bad input', () => {
  const expectElfError = (bytes: Uint8Array, kind: string, pattern: RegExp): ElfError => {
    let caught: unknown;
    try {
      readElf(bytes, { fileName: 'x' });
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof ElfError, `expected ElfError, got ${String(caught)}`);
    assert.equal(caught.kind, kind);
    assert.match(caught.message, pattern);
    return caught;
  };

  test('Mach-O and PE are named as not supported yet', () => {
    for (const magic of [
      [0xcf, 0xfa, 0xed, 0xfe],
      [0xfe, 0xed, 0xfa, 0xce],
      [0xca, 0xfe, 0xba, 0xbe],
    ]) {
      expectElfError(
        new Uint8Array([...magic, 7, 0, 0, 1, 0, 0, 0, 0]),
        'unsupported-format',
        /Mach-O\/PE not supported yet/,
      );
    }
    expectElfError(
      new TextEncoder().encode('MZ\x90\x00 This program cannot be run in DOS mode'),
      'unsupported-format',
      /PE.*not supported yet/,
    );
  });

  test('text, empty input and an archive given as ELF: not an ELF file', () => {
    expectElfError(new TextEncoder().encode('hello world'), 'not-elf', /not an ELF file/);
    expectElfError(new Uint8Array(0), 'not-elf', /not an ELF file/);
  });

  test('truncated at any point: an ElfError, never another exception', () => {
    const bytes = readFileSync(buildAsyncfix(MATRIX[0]!).bin);
    for (const cut of [5, 40, 63, 64, 1000, 4096, bytes.length >> 1, bytes.length - 1]) {
      const err = expectElfError(bytes.subarray(0, cut), cut < 52 ? 'truncated' : 'truncated', /truncated/);
      assert.ok(err.help === undefined || err.help.length > 0);
    }
  });

  test('corrupted headers: clear errors, no crash', () => {
    const bytes = new Uint8Array(readFileSync(buildAsyncfix(MATRIX[0]!).bin));
    const withPatch = (at: number, values: number[]): Uint8Array => {
      const copy = bytes.slice();
      copy.set(values, at);
      return copy;
    };
    expectElfError(withPatch(4, [9]), 'corrupt', /corrupt ELF header/);
    expectElfError(withPatch(40, [0, 0, 0, 0, 0, 0, 0, 0x7f]), 'truncated', /section header table/);
    expectElfError(withPatch(58, [3, 0]), 'corrupt', /section header entry size/);
    // Random damage anywhere in the section headers or symbol table: ElfError or a successful read only.
    const shoff = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(40, true));
    let rng = 12345;
    for (let i = 0; i < 200; i++) {
      rng = (rng * 1103515245 + 12345) & 0x7fffffff;
      const at = shoff + (rng % (bytes.length - shoff));
      try {
        readElf(withPatch(at, [rng & 0xff, (rng >> 8) & 0xff, 0xff, 0x7f]), { fileName: 'x' });
      } catch (e) {
        assert.ok(e instanceof ElfError, `patch at ${at}: ${String(e)}`);
      }
    }
  });

  test('a stripped binary says so and names the profile setting that keeps symbols', () => {
    const b = buildAsyncfix(STRIPPED);
    const bytes = readFileSync(b.bin);
    const err = expectElfError(bytes, 'stripped', /stripped/);
    assert.match(err.help ?? '', /strip = false/);
    assert.match(err.help ?? '', /`debug` is not needed/);
    const elf = readElf(bytes, { allowStripped: true });
    assert.equal(elf.hasSymtab, false);
    assert.ok(elf.dynamicSymbols.length > 0);
  });

  test('truncated and corrupt archives', () => {
    const bytes = readFileSync(buildAsyncfix(MATRIX[0]!).staticlib);
    assert.throws(
      () => readArchive(bytes.subarray(0, 5000), 'lib.a'),
      (e) => e instanceof ElfError && /truncated/.test(e.message),
    );
    const bad = bytes.slice(0, 200);
    bad[8 + 58] = 0x41;
    assert.throws(
      () => readArchive(bad, 'lib.a'),
      (e) => e instanceof ElfError && /corrupt archive member header/.test(e.message),
    );
    assert.throws(() => readArchive(new TextEncoder().encode('not an archive'), 'x'), ElfError);
  });
});
