// The `.stack_sizes` reader against `llvm-readobj --stack-sizes` on binaries the tests build with
// `-Zemit-stack-sizes`: a linked x86-64 binary (dev and release), a linked ARM Thumb executable (ELF32 LE,
// Thumb bit on addresses) and a big-endian PowerPC relocatable object (addresses through relocations).
// Every function's frame must equal LLVM's own reading; bad contents are counted, never thrown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type ElfFile, readElf, SHN_UNDEF, STT_FUNC, sectionByName } from '../../src/readers/elf.ts';
import { frameOf, readStackSizes, readUleb128 } from '../../src/readers/stack-sizes.ts';
import { has, need } from '../support/require.ts';
import { buildPowerpcObject, buildStackframes, buildThumb, readobjStackSizes } from './support/fixtures.ts';

/** Frame by symbol name as our reader joins it, for every defined function symbol with an entry. */
function framesByName(elf: ElfFile): Map<string, number> {
  const stack = readStackSizes(elf);
  assert.equal(stack.present, true, 'the file has a .stack_sizes section');
  assert.equal(stack.unparsed, undefined, 'every entry reads');
  const out = new Map<string, number>();
  for (const s of elf.symbols) {
    if (s.type !== STT_FUNC || s.shndx === SHN_UNDEF) continue;
    const frame = frameOf(stack, elf, s);
    if (frame !== undefined) out.set(s.name, Math.max(out.get(s.name) ?? 0, frame));
  }
  return out;
}

function assertSameFrames(file: string, elf: ElfFile): void {
  const ours = framesByName(elf);
  const llvm = readobjStackSizes(file);
  assert.ok(llvm.size > 3, `llvm-readobj lists entries for ${file}`);
  // Same functions, same frames (sorted lists so a failure shows the difference).
  const list = (m: Map<string, number>) => [...m].map(([n, v]) => `${v} ${n}`).sort();
  assert.deepEqual(list(ours), list(llvm));
}

describe('.stack_sizes reader', () => {
  for (const profile of ['dev', 'release'] as const) {
    test(`x86-64 linked binary, ${profile}: frames equal llvm-readobj`, (t) => {
      if (!need(t, 'llvm-readobj', has.llvmReadobj())) return;
      const file = buildStackframes(profile);
      const elf = readElf(readFileSync(file));
      assertSameFrames(file, elf);
      const frames = framesByName(elf);
      // The point of the fixture: in dev, polling `handle` needs a frame several times its 16 KB awaitee.
      if (profile === 'dev') {
        const handle = [...frames].find(([n]) => n.startsWith('_RNCNv') && n.includes('6handle0'));
        assert.ok(handle && handle[1] > 2 * 16 * 1024, `handle's poll frame: ${handle?.[1]}`);
      }
    });
  }

  test('ARM Thumb executable (ELF32 LE): Thumb addresses join their symbols', (t) => {
    if (!need(t, 'llvm-readobj', has.llvmReadobj())) return;
    const file = buildThumb({ stackSizes: true });
    assertSameFrames(file, readElf(readFileSync(file)));
  });

  test('PowerPC relocatable object (ELF32 BE): addresses come from relocations', (t) => {
    if (!need(t, 'llvm-readobj', has.llvmReadobj())) return;
    const file = buildPowerpcObject({ stackSizes: true });
    assertSameFrames(file, readElf(readFileSync(file), { allowStripped: true }));
  });

  test('a file built without the flag has no section, and no frames', () => {
    const elf = readElf(readFileSync(buildThumb()));
    const stack = readStackSizes(elf);
    assert.equal(stack.present, false);
    assert.equal(stack.frames.size, 0);
  });
});

describe('.stack_sizes: bad contents are counted, never thrown', () => {
  /** A copy of the Thumb executable with its `.stack_sizes` contents changed by `edit`. */
  function patched(edit: (bytes: Uint8Array, at: number, size: number) => void): ElfFile {
    const bytes = new Uint8Array(readFileSync(buildThumb({ stackSizes: true })));
    const s = sectionByName(readElf(bytes), '.stack_sizes')!;
    edit(bytes, s.offset, s.size);
    return readElf(bytes);
  }

  test('a frame size cut off at the end of the section', (t) => {
    if (!need(t, 'llvm-readobj', has.llvmReadobj())) return;
    const elf = patched((b, at, size) => {
      b[at + size - 1] = 0x80; // the last ULEB128 byte now says "more follows"
    });
    const stack = readStackSizes(elf);
    assert.equal(stack.unparsed?.count, 1);
    assert.match(stack.unparsed!.example, /cut off/);
    assert.ok(stack.frames.size > 0, 'the entries before it are kept');
  });

  test('a frame size past 2^53', (t) => {
    if (!need(t, 'llvm-readobj', has.llvmReadobj())) return;
    const elf = patched((b, at) => {
      // First entry: 4 address bytes, then an 9-byte ULEB128 of all ones.
      for (let i = 0; i < 8; i++) b[at + 4 + i] = 0xff;
      b[at + 12] = 0x7f;
    });
    assert.equal(readStackSizes(elf).unparsed?.count, 1);
  });

  test('trailing bytes too few for an address', (t) => {
    if (!need(t, 'llvm-readobj', has.llvmReadobj())) return;
    const bytes = new Uint8Array(readFileSync(buildThumb({ stackSizes: true })));
    const elf = readElf(bytes);
    const s = sectionByName(elf, '.stack_sizes')!;
    // Two bytes more in the header's size: the section now ends in a partial entry.
    const grown = { ...elf, sections: elf.sections.map((x) => (x === s ? { ...x, size: x.size + 2 } : x)) };
    const stack = readStackSizes(grown);
    assert.equal(stack.unparsed?.count, 1);
    assert.match(stack.unparsed!.example, /too few/);
  });

  test('a section that runs past the end of the file', () => {
    const elf = readElf(readFileSync(buildThumb({ stackSizes: true })));
    const s = sectionByName(elf, '.stack_sizes')!;
    const broken = {
      ...elf,
      sections: elf.sections.map((x) => (x === s ? { ...x, size: elf.bytes.length } : x)),
    };
    const stack = readStackSizes(broken);
    assert.equal(stack.present, true);
    assert.equal(stack.unparsed?.count, 1);
    assert.equal(stack.frames.size, 0);
  });

  test('ULEB128 decoding', () => {
    assert.deepEqual(readUleb128(Uint8Array.of(0xe5, 0x8e, 0x26), 0), { value: 624485, next: 3 });
    assert.deepEqual(readUleb128(Uint8Array.of(0x00), 0), { value: 0, next: 1 });
    assert.equal(readUleb128(Uint8Array.of(0x80), 0), undefined);
  });
});
