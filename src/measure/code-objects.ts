// Loads an artifact for code measurement: a linked ELF (bin, cdylib, .so) is one object; a static
// library (`.a`) is one object per ELF member. Non-ELF members are counted, not silently dropped.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isArchive, readArchive } from '../readers/ar-archive.ts';
import { ElfError, type ElfFile, readElf } from '../readers/elf.ts';
import { readStackSizes, type StackSizes } from '../readers/stack-sizes.ts';

export interface CodeObject {
  /** File name, or `lib.a(member.o)` for archive members. */
  name: string;
  /** The archive member's own name (`app-1a2b3c4d5e6f7a8b.app.9f8e-cgu.0.rcgu.o`), for archive members. */
  member?: string;
  elf: ElfFile;
  /** Its `.stack_sizes` (`-Zemit-stack-sizes`); absent when only the symbols were read. */
  stack?: StackSizes;
}

export interface LoadedArtifact {
  objects: CodeObject[];
  /** Archive members that are not ELF objects: how many, and the first one's name. */
  skipped: { count: number; example: string } | undefined;
}

export function loadCodeObjects(bytes: Uint8Array, fileName: string): LoadedArtifact {
  if (!isArchive(bytes)) {
    const elf = readElf(bytes, { fileName });
    return { objects: [{ name: fileName, elf, stack: readStackSizes(elf) }], skipped: undefined };
  }
  const objects: CodeObject[] = [];
  let skipped: LoadedArtifact['skipped'];
  for (const m of readArchive(bytes, fileName).members) {
    const name = `${fileName}(${m.name})`;
    try {
      const elf = readElf(m.bytes, { fileName: name, allowStripped: true });
      objects.push({ name, member: m.name, elf, stack: readStackSizes(elf) });
    } catch (e) {
      if (!(e instanceof ElfError) || e.kind !== 'not-elf') throw e;
      skipped = { count: (skipped?.count ?? 0) + 1, example: skipped?.example ?? m.name };
    }
  }
  if (objects.length > 0 && objects.every((o) => !o.elf.hasSymtab))
    throw new ElfError(
      'stripped',
      `${fileName}: no member has a symbol table (stripped archive)`,
      'set `strip = false` in the cargo profile',
    );
  return { objects, skipped };
}

/** A crate whose objects a static library may hold. */
export interface ObjectOwner {
  /** rustc's crate name (`driver_app`). */
  crateName: string;
  /** `<crate>-<hash>`, cargo's `-C extra-filename` stem of the crate's outputs, when known. */
  unit: string | null;
}

/**
 * The members of a static library that `owners` compiled, as opposed to the standard library's
 * (`core-<hash>.core.<hash>-cgu.0.rcgu.o`, ~270 `compiler_builtins-<hash>..` objects, compiler-rt's
 * `<hash>-absvdi2.o`) and other dependencies' objects, which the archive bundles whole and a firmware
 * link with `--gc-sections` mostly drops. rustc names a crate's objects after its output file stem: the
 * crate's own `<crate>.<cgu>.rcgu.o` or `<crate>-<hash>.<crate>.<hash>-cgu.N.rcgu.o`, a bundled rlib's as
 * they are in the rlib, `<crate>-<hash>.<cgu>.rcgu.o`. Without a unit any `<crate>-<hex>.` prefix counts.
 */
export function ownObjects(objects: CodeObject[], owners: ObjectOwner[]): CodeObject[] {
  // Crate names are identifiers and units `<identifier>-<hex>`: nothing to escape.
  const names = owners.map((o) =>
    o.unit === null
      ? new RegExp(`^${o.crateName}(-[0-9a-f]+)?\\.`)
      : new RegExp(`^(${o.crateName}|${o.unit})\\.`),
  );
  return objects.filter((o) => o.member !== undefined && names.some((n) => n.test(o.member!)));
}

const SECTION_TYPES_NEEDED = new Set([
  2 /* SYMTAB */, 3 /* STRTAB */, 11 /* DYNSYM */, 18 /* SYMTAB_SHNDX */,
]);

/**
 * The ELF at [base, base + size) of `fd` as a zero-filled buffer holding only the headers and the
 * symbol/string tables (untouched pages of a fresh buffer cost nothing), so readElf's offsets hold
 * without reading code. Null when it does not look like ELF (the caller then reads it whole).
 */
function readSparseElf(fd: number, base: number, size: number): Uint8Array | null {
  const bytes = new Uint8Array(size);
  const read = (offset: number, length: number): void => {
    if (offset >= 0 && length > 0 && offset + length <= size)
      readSync(fd, bytes, offset, length, base + offset);
  };
  read(0, Math.min(size, 64));
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || size < (is64 ? 64 : 52)) return null;
  const v = new DataView(bytes.buffer);
  const shoff = is64 ? Number(v.getBigUint64(40, le)) : v.getUint32(32, le);
  const shentsize = v.getUint16(is64 ? 58 : 46, le);
  let shnum = v.getUint16(is64 ? 60 : 48, le);
  if (shoff === 0 || shentsize === 0 || shoff + shentsize > size) return null;
  read(shoff, shentsize);
  if (shnum === 0) shnum = is64 ? Number(v.getBigUint64(shoff + 32, le)) : v.getUint32(shoff + 20, le);
  if (shoff + shnum * shentsize > size) return null;
  read(shoff, shnum * shentsize);
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    if (!SECTION_TYPES_NEEDED.has(v.getUint32(o + 4, le))) continue;
    read(
      is64 ? Number(v.getBigUint64(o + 24, le)) : v.getUint32(o + 16, le),
      is64 ? Number(v.getBigUint64(o + 32, le)) : v.getUint32(o + 20, le),
    );
  }
  return bytes;
}

/**
 * Symbols only, from a file of any size: for an ELF file reads headers and symbol/string tables, never
 * the code. Enough for code-size attribution; panic-site scanning needs loadCodeObjects (section
 * contents and relocations). Archives are read whole: measured faster than per-member partial reads
 * (bench/elf.ts), since their members are small. Odd files fall back to a full read.
 */
export function loadSymbolsOnly(path: string): LoadedArtifact {
  const fd = openSync(path, 'r');
  let sparse: Uint8Array | null = null;
  try {
    const size = fstatSync(fd).size;
    const magic = new Uint8Array(Math.min(size, 8));
    readSync(fd, magic, 0, magic.length, 0);
    if (!isArchive(magic)) sparse = readSparseElf(fd, 0, size);
  } finally {
    closeSync(fd);
  }
  const one = (elf: ElfFile): LoadedArtifact => ({ objects: [{ name: path, elf }], skipped: undefined });
  if (sparse) return one(readElf(sparse, { fileName: path, relocations: false }));
  const bytes = readFileSync(path);
  if (!isArchive(bytes)) return one(readElf(bytes, { fileName: path, relocations: false }));
  const objects: CodeObject[] = [];
  let skipped: LoadedArtifact['skipped'];
  for (const m of readArchive(bytes, path).members) {
    if (m.bytes[0] !== 0x7f || m.bytes[1] !== 0x45) {
      skipped = { count: (skipped?.count ?? 0) + 1, example: skipped?.example ?? m.name };
      continue;
    }
    const name = `${path}(${m.name})`;
    objects.push({
      name,
      member: m.name,
      elf: readElf(m.bytes, { fileName: name, allowStripped: true, relocations: false }),
    });
  }
  return { objects, skipped };
}
