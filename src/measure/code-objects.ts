// Loads an artifact for code measurement: a linked ELF (bin, cdylib, .so) is one object; a static
// library (`.a`) is one object per ELF member. Non-ELF members are counted, not silently dropped.
import { isArchive, readArchive } from '../readers/ar-archive.ts';
import { ElfError, type ElfFile, readElf } from '../readers/elf.ts';

export interface CodeObject {
  /** File name, or `lib.a(member.o)` for archive members. */
  name: string;
  elf: ElfFile;
}

export interface LoadedArtifact {
  objects: CodeObject[];
  /** Archive members that are not ELF objects: how many, and the first one's name. */
  skipped: { count: number; example: string } | undefined;
}

export function loadCodeObjects(bytes: Uint8Array, fileName: string): LoadedArtifact {
  if (!isArchive(bytes)) return { objects: [{ name: fileName, elf: readElf(bytes, { fileName }) }], skipped: undefined };
  const objects: CodeObject[] = [];
  let skipped: LoadedArtifact['skipped'];
  for (const m of readArchive(bytes, fileName).members) {
    const name = `${fileName}(${m.name})`;
    try {
      objects.push({ name, elf: readElf(m.bytes, { fileName: name, allowStripped: true }) });
    } catch (e) {
      if (!(e instanceof ElfError) || e.kind !== 'not-elf') throw e;
      skipped = { count: (skipped?.count ?? 0) + 1, example: skipped?.example ?? m.name };
    }
  }
  if (objects.length > 0 && objects.every((o) => !o.elf.hasSymtab))
    throw new ElfError('stripped', `${fileName}: no member has a symbol table (stripped archive)`, 'set `strip = false` in the cargo profile');
  return { objects, skipped };
}
