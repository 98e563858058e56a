// LLVM's `.stack_sizes` section (rustc `-Zemit-stack-sizes`): each function's stack frame in bytes, as
// the code generator laid it out. Entries are (function address: pointer-sized, in the target's byte
// order; frame size: ULEB128). In a linked file the address is the function's final address, so it joins
// the symbol table by value. In a relocatable object (`.o`, a static library member) the address field is
// zero and a relocation names the function: each `.stack_sizes` section is tied (SHF_LINK_ORDER, sh_link)
// to the text section of the functions it describes.
import {
  type ElfFile,
  type ElfSection,
  type ElfSymbol,
  EM_ARM,
  ET_REL,
  SHT_REL,
  sectionBytes,
} from './elf.ts';

export const STACK_SIZES_SECTION = '.stack_sizes';

export interface StackSizes {
  /** False when the file has no `.stack_sizes` section (the flag was not given, or the target ignores it). */
  present: boolean;
  /** Frame bytes by function location: see `stackKey`. */
  frames: Map<string, number>;
  /** Entries that could not be read (a truncated ULEB128, an address without a relocation): counted. */
  unparsed: { count: number; example: string } | undefined;
}

/**
 * Where a function is, as `.stack_sizes` names it: its address in a linked file, `section:offset` in a
 * relocatable object. ARM Thumb functions are keyed without their Thumb bit, as the symbol reader keeps them.
 */
export function stackKey(elf: ElfFile, symbol: Pick<ElfSymbol, 'value' | 'shndx'>): string {
  return elf.fileType === ET_REL ? `${symbol.shndx}:${symbol.value}` : String(symbol.value);
}

/** The frame of `symbol`, or undefined when `.stack_sizes` has no entry for it. */
export function frameOf(stack: StackSizes, elf: ElfFile, symbol: ElfSymbol): number | undefined {
  return stack.frames.get(stackKey(elf, symbol));
}

/** Reads every `.stack_sizes` section of `elf`; never throws on bad contents (they are counted). */
export function readStackSizes(elf: ElfFile): StackSizes {
  const out: StackSizes = { present: false, frames: new Map(), unparsed: undefined };
  const fail = (example: string) => {
    out.unparsed = { count: (out.unparsed?.count ?? 0) + 1, example: out.unparsed?.example ?? example };
  };
  for (const section of elf.sections) {
    if (section.name !== STACK_SIZES_SECTION) continue;
    out.present = true;
    readSection(elf, section, out.frames, fail);
  }
  return out;
}

function readSection(
  elf: ElfFile,
  section: ElfSection,
  frames: Map<string, number>,
  fail: (example: string) => void,
): void {
  const bytes = sectionBytes(elf, section);
  if (section.offset + section.size > elf.bytes.length) {
    fail(`${section.name}: ${section.size} bytes at offset ${section.offset} run past the end of the file`);
    return;
  }
  const width = elf.is64 ? 8 : 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const relocated = elf.fileType === ET_REL ? relocationsOf(elf, section) : undefined;
  let at = 0;
  while (at < bytes.length) {
    const entry = at;
    if (at + width > bytes.length) {
      fail(`${section.name}+${entry}: ${bytes.length - at} trailing bytes, too few for an address`);
      return;
    }
    let addr =
      width === 8 ? Number(view.getBigUint64(at, elf.littleEndian)) : view.getUint32(at, elf.littleEndian);
    at += width;
    const size = readUleb128(bytes, at);
    if (!size) {
      fail(`${section.name}+${entry}: the frame size (ULEB128) is cut off or past 2^53`);
      return;
    }
    at = size.next;
    let key: string;
    if (relocated) {
      const target = relocated.get(entry);
      if (!target) {
        fail(`${section.name}+${entry}: no relocation names the function of this entry`);
        continue;
      }
      // REL relocations (no explicit addend) keep the addend in the relocated field itself.
      key = `${target.shndx}:${target.base + (target.implicitAddend ? addr : 0)}`;
    } else {
      if (elf.machine === EM_ARM) addr &= ~1;
      key = String(addr);
    }
    // A function emitted twice at one place (identical code folding) keeps its largest frame.
    frames.set(key, Math.max(frames.get(key) ?? 0, size.value));
  }
}

/** For a relocatable object: the `section:offset` each entry's address relocation points at. */
function relocationsOf(
  elf: ElfFile,
  section: ElfSection,
): Map<number, { shndx: number; base: number; implicitAddend: boolean }> {
  const out = new Map<number, { shndx: number; base: number; implicitAddend: boolean }>();
  for (const rs of elf.relocationSections) {
    if (rs.target !== section.index) continue;
    const implicitAddend = rs.section.type === SHT_REL;
    for (const r of rs.relocations) {
      if (!r.symbol) continue;
      out.set(r.offset, { shndx: r.symbol.shndx, base: r.symbol.value + r.addend, implicitAddend });
    }
  }
  return out;
}

/** An unsigned LEB128 at `at`, or undefined when it runs past the end or past Number's exact range. */
export function readUleb128(bytes: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    if (!Number.isSafeInteger(value)) return undefined;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}
