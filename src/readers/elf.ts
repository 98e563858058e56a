// ELF reader: headers, sections, symbol tables and relocations of 32/64-bit, little/big-endian files,
// straight from the bytes with a DataView. Enough for code-size attribution and panic call-site
// counting; no program-header or DWARF decoding. Pure: bytes in, typed data out, ElfError on bad input.
import { UserError } from '../errors.ts';

export type ElfErrorKind = 'not-elf' | 'unsupported-format' | 'truncated' | 'corrupt' | 'stripped';

/** Bad input: a user-facing error (exit 2) that also says which kind of bad it is. */
export class ElfError extends UserError {
  constructor(
    readonly kind: ElfErrorKind,
    message: string,
    help?: string,
  ) {
    super(message, help);
    this.name = 'ElfError';
  }
}

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_386 = 3;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const SHT_SYMTAB = 2;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;
export const SHT_SYMTAB_SHNDX = 18;
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export type SymbolBind = 'local' | 'global' | 'weak' | 'other';

export interface ElfSymbol {
  /** Position in its table (relocations refer to symbols by it). */
  index: number;
  name: string;
  /** Address (or section offset in `.o` files); for ARM Thumb functions with the Thumb bit cleared. */
  value: number;
  size: number;
  /** STT_* number (STT_FUNC = 2, STT_OBJECT = 1, ...). */
  type: number;
  bind: SymbolBind;
  /** STV_* (0 default, 1 internal, 2 hidden, 3 protected). */
  visibility: number;
  /** Section index, with SHN_XINDEX already resolved through `.symtab_shndx`. */
  shndx: number;
  /** ARM: the symbol's address had bit 0 set (a Thumb function). */
  thumb: boolean;
}

export interface ElfRelocation {
  /** Where the relocation applies: a section offset in `.o` files, an address in linked files. */
  offset: number;
  type: number;
  /** Index into the symbol table the relocation section links to; 0 for none. */
  symbolIndex: number;
  symbol: ElfSymbol | undefined;
  /** Explicit addend (RELA) or 0 for REL (the addend then sits in the relocated bytes). */
  addend: number;
}

export interface ElfRelocationSection {
  section: ElfSection;
  /** Section the relocations patch (sh_info), when the file says so (0 for `.rela.dyn`). */
  target: number;
  /** The symbol table (sh_link) their symbol indices refer to. */
  symbolTable: 'symtab' | 'dynsym' | 'none';
  relocations: ElfRelocation[];
}

export interface ElfFile {
  is64: boolean;
  littleEndian: boolean;
  /** ET_REL (object), ET_EXEC, ET_DYN (PIE or shared object), ... */
  fileType: number;
  machine: number;
  entry: number;
  sections: ElfSection[];
  /** `.symtab`; empty when stripped (see `hasSymtab`). Entry 0 (the null symbol) is included. */
  symbols: ElfSymbol[];
  /** `.dynsym`; empty when there is none. */
  dynamicSymbols: ElfSymbol[];
  hasSymtab: boolean;
  relocationSections: ElfRelocationSection[];
  bytes: Uint8Array;
}

export interface ReadElfOptions {
  /** Accept files without `.symtab` (default false: a stripped file is an error, since nothing can be attributed). */
  allowStripped?: boolean;
  /** Decode relocation sections (default true). */
  relocations?: boolean;
  /** Name used in error messages. */
  fileName?: string;
}

const MAGIC_ELF = [0x7f, 0x45, 0x4c, 0x46];

function describeForeignMagic(b: Uint8Array): string | null {
  if (b.length < 4) return null;
  const be = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const le = ((b[3]! << 24) | (b[2]! << 16) | (b[1]! << 8) | b[0]!) >>> 0;
  const machO = [0xfeedface, 0xfeedfacf];
  if (machO.includes(be) || machO.includes(le)) return 'a Mach-O file';
  if (be === 0xcafebabe) return 'a Mach-O universal (fat) file';
  if (b[0] === 0x4d && b[1] === 0x5a) return 'a PE/COFF (Windows) file';
  return null;
}

/** Bounds-checked little/big-endian field access; every read past the end is a "truncated" error. */
class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly le: boolean,
    readonly is64: boolean,
    private readonly fileName: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  check(offset: number, length: number, what: string): void {
    if (
      offset < 0 ||
      length < 0 ||
      offset + length > this.bytes.length ||
      !Number.isSafeInteger(offset + length)
    )
      throw new ElfError(
        'truncated',
        `${this.fileName}: ${what} at offset ${offset} (+${length} bytes) is past the end of the file (${this.bytes.length} bytes): truncated or corrupt ELF`,
        'rebuild the artifact; a partially written or damaged file cannot be read',
      );
  }
  u8(o: number): number {
    return this.view.getUint8(o);
  }
  u16(o: number): number {
    return this.view.getUint16(o, this.le);
  }
  u32(o: number): number {
    return this.view.getUint32(o, this.le);
  }
  /** 64-bit fields as numbers: file offsets, sizes and user-space addresses are far below 2^53. */
  u64(o: number): number {
    const lo = this.view.getUint32(o + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(o + (this.le ? 4 : 0), this.le);
    return hi * 0x1_0000_0000 + lo;
  }
  i64(o: number): number {
    return Number(this.view.getBigInt64(o, this.le));
  }
  /** Address-sized field. */
  addr(o: number): number {
    return this.is64 ? this.u64(o) : this.u32(o);
  }
}

const utf8 = new TextDecoder();

/**
 * A string table decoded once as Latin-1 (one char per byte, so byte offsets stay string offsets);
 * names with non-ASCII bytes are re-decoded as UTF-8. Much faster than decoding 100k names one by one.
 */
class StringTable {
  private readonly text: string;
  /** Whether any name needs UTF-8 decoding; checked once so pure-ASCII tables skip the per-name test. */
  private readonly ascii: boolean;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    size: number,
  ) {
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset + start, size).toString('latin1');
    this.ascii = !/[\x80-\xff]/.test(this.text);
  }

  get(offset: number): string {
    if (offset >= this.text.length) return '';
    let end = this.text.indexOf('\0', offset);
    if (end < 0) end = this.text.length;
    const s = this.text.slice(offset, end);
    if (this.ascii || !/[\x80-\xff]/.test(s)) return s;
    return utf8.decode(this.bytes.subarray(this.start + offset, this.start + end));
  }
}

function bindOf(b: number): SymbolBind {
  return b === 0 ? 'local' : b === 1 ? 'global' : b === 2 ? 'weak' : 'other';
}

/** Parses an ELF file. Throws ElfError for non-ELF input, truncated/corrupt files and (by default) stripped ones. */
export function readElf(bytes: Uint8Array, options: ReadElfOptions = {}): ElfFile {
  const fileName = options.fileName ?? 'input';
  if (bytes.length < 4 || MAGIC_ELF.some((m, i) => bytes[i] !== m)) {
    const foreign = describeForeignMagic(bytes);
    if (foreign)
      throw new ElfError(
        'unsupported-format',
        `${fileName} is ${foreign}: Mach-O/PE not supported yet, only ELF`,
        'build for a Linux/ELF target (e.g. `--target x86_64-unknown-linux-gnu` or your embedded target)',
      );
    throw new ElfError(
      'not-elf',
      `${fileName} is not an ELF file (no \\x7fELF magic)`,
      'pass a binary, shared object, object file or static library built by cargo',
    );
  }
  if (bytes.length < 52)
    throw new ElfError('truncated', `${fileName}: ELF header truncated (${bytes.length} bytes)`);
  const elfClass = bytes[4];
  const data = bytes[5];
  if ((elfClass !== 1 && elfClass !== 2) || (data !== 1 && data !== 2))
    throw new ElfError(
      'corrupt',
      `${fileName}: corrupt ELF header (class ${elfClass}, data encoding ${data})`,
    );
  const is64 = elfClass === 2;
  const r = new Reader(bytes, data === 1, is64, fileName);
  r.check(0, is64 ? 64 : 52, 'ELF header');
  const fileType = r.u16(16);
  const machine = r.u16(18);
  const entry = r.addr(24);
  const shoff = is64 ? r.u64(40) : r.u32(32);
  const shentsize = r.u16(is64 ? 58 : 46);
  let shnum = r.u16(is64 ? 60 : 48);
  let shstrndx = r.u16(is64 ? 62 : 50);

  const sections: ElfSection[] = [];
  const nameOffsets: number[] = [];
  if (shoff !== 0) {
    if (shentsize < (is64 ? 64 : 40))
      throw new ElfError(
        'corrupt',
        `${fileName}: corrupt ELF header (section header entry size ${shentsize})`,
      );
    r.check(shoff, shentsize, 'section header table');
    // Extended numbering: with >= 0xff00 sections the real counts live in section header 0.
    if (shnum === 0) shnum = is64 ? r.u64(shoff + 32) : r.u32(shoff + 20);
    if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + (is64 ? 40 : 24));
    r.check(shoff, shnum * shentsize, `section header table (${shnum} entries)`);
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      const s: ElfSection = is64
        ? {
            index: i,
            name: '',
            type: r.u32(o + 4),
            flags: r.u64(o + 8),
            addr: r.u64(o + 16),
            offset: r.u64(o + 24),
            size: r.u64(o + 32),
            link: r.u32(o + 40),
            info: r.u32(o + 44),
            addralign: r.u64(o + 48),
            entsize: r.u64(o + 56),
          }
        : {
            index: i,
            name: '',
            type: r.u32(o + 4),
            flags: r.u32(o + 8),
            addr: r.u32(o + 12),
            offset: r.u32(o + 16),
            size: r.u32(o + 20),
            link: r.u32(o + 24),
            info: r.u32(o + 28),
            addralign: r.u32(o + 32),
            entsize: r.u32(o + 36),
          };
      if (s.type !== SHT_NOBITS && s.type !== 0) r.check(s.offset, s.size, `section ${i}`);
      nameOffsets.push(r.u32(o));
      sections.push(s);
    }
    const strtab = sections[shstrndx];
    if (shnum > 0 && !strtab)
      throw new ElfError('corrupt', `${fileName}: section name table index ${shstrndx} out of range`);
    const names =
      strtab && strtab.type !== SHT_NOBITS ? new StringTable(bytes, strtab.offset, strtab.size) : undefined;
    for (let i = 0; i < sections.length; i++) sections[i]!.name = names?.get(nameOffsets[i]!) ?? '';
  }

  const symtabSection = sections.find((s) => s.type === SHT_SYMTAB);
  const dynsymSection = sections.find((s) => s.type === SHT_DYNSYM);
  if (!symtabSection && !options.allowStripped) {
    throw new ElfError(
      'stripped',
      `${fileName} is stripped: it has no symbol table (.symtab), so code cannot be attributed to functions`,
      'keep symbols: set `strip = false` in the cargo profile (e.g. `[profile.release] strip = false`); `debug` is not needed',
    );
  }
  const symbols = symtabSection ? readSymbols(r, sections, symtabSection, machine) : [];
  const dynamicSymbols = dynsymSection ? readSymbols(r, sections, dynsymSection, machine) : [];
  const elf: ElfFile = {
    is64,
    littleEndian: r.le,
    fileType,
    machine,
    entry,
    sections,
    symbols,
    dynamicSymbols,
    hasSymtab: symtabSection !== undefined,
    relocationSections: [],
    bytes,
  };
  if (options.relocations !== false) elf.relocationSections = readRelocations(r, elf);
  return elf;
}

function readSymbols(r: Reader, sections: ElfSection[], table: ElfSection, machine: number): ElfSymbol[] {
  const entsize = table.entsize || (r.is64 ? 24 : 16);
  if (entsize < (r.is64 ? 24 : 16))
    throw new ElfError('corrupt', `symbol table ${table.name}: entry size ${entsize}`);
  const strtab = sections[table.link];
  if (!strtab)
    throw new ElfError('corrupt', `symbol table ${table.name} links to missing string table ${table.link}`);
  const shndxSection = sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === table.index);
  const count = Math.floor(table.size / entsize);
  const names = new StringTable(r.bytes, strtab.offset, strtab.type === SHT_NOBITS ? 0 : strtab.size);
  const out: ElfSymbol[] = new Array(count);
  // Hot loop (100k+ symbols in big binaries): direct DataView reads, no helper calls.
  const view = r.view;
  const le = r.le;
  const is64 = r.is64;
  const thumbCapable = machine === EM_ARM;
  for (let i = 0; i < count; i++) {
    const o = table.offset + i * entsize;
    const nameOff = view.getUint32(o, le);
    let value: number;
    let size: number;
    let info: number;
    let other: number;
    let shndx: number;
    if (is64) {
      info = view.getUint8(o + 4);
      other = view.getUint8(o + 5);
      shndx = view.getUint16(o + 6, le);
      value = le
        ? view.getUint32(o + 8, true) + view.getUint32(o + 12, true) * 0x1_0000_0000
        : view.getUint32(o + 12, false) + view.getUint32(o + 8, false) * 0x1_0000_0000;
      size = le
        ? view.getUint32(o + 16, true) + view.getUint32(o + 20, true) * 0x1_0000_0000
        : view.getUint32(o + 20, false) + view.getUint32(o + 16, false) * 0x1_0000_0000;
    } else {
      value = view.getUint32(o + 4, le);
      size = view.getUint32(o + 8, le);
      info = view.getUint8(o + 12);
      other = view.getUint8(o + 13);
      shndx = view.getUint16(o + 14, le);
    }
    if (shndx === SHN_XINDEX && shndxSection) {
      r.check(shndxSection.offset + i * 4, 4, 'extended section index');
      shndx = view.getUint32(shndxSection.offset + i * 4, le);
    }
    const type = info & 0xf;
    let thumb = false;
    if (thumbCapable && type === STT_FUNC && (value & 1) === 1) {
      value -= 1;
      thumb = true;
    }
    out[i] = {
      index: i,
      name: nameOff !== 0 ? names.get(nameOff) : '',
      value,
      size,
      type,
      bind: bindOf(info >> 4),
      visibility: other & 3,
      shndx,
      thumb,
    };
  }
  return out;
}

function readRelocations(r: Reader, elf: ElfFile): ElfRelocationSection[] {
  const out: ElfRelocationSection[] = [];
  for (const s of elf.sections) {
    if (s.type !== SHT_REL && s.type !== SHT_RELA) continue;
    const rela = s.type === SHT_RELA;
    const minSize = (r.is64 ? 8 : 4) * (rela ? 3 : 2);
    const entsize = s.entsize || minSize;
    if (entsize < minSize)
      throw new ElfError('corrupt', `relocation section ${s.name}: entry size ${entsize}`);
    const linked = elf.sections[s.link];
    const symbolTable =
      linked?.type === SHT_SYMTAB ? 'symtab' : linked?.type === SHT_DYNSYM ? 'dynsym' : 'none';
    const syms = symbolTable === 'symtab' ? elf.symbols : symbolTable === 'dynsym' ? elf.dynamicSymbols : [];
    const count = Math.floor(s.size / entsize);
    const relocations: ElfRelocation[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const o = s.offset + i * entsize;
      let offset: number;
      let type: number;
      let symbolIndex: number;
      let addend = 0;
      if (r.is64) {
        offset = r.u64(o);
        // r_info: symbol in the high 32 bits, type in the low 32 (MIPS64's split layout is not handled).
        symbolIndex = r.u32(o + (r.le ? 12 : 8));
        type = r.u32(o + (r.le ? 8 : 12));
        if (rela) addend = r.i64(o + 16);
      } else {
        offset = r.u32(o);
        const info = r.u32(o + 4);
        symbolIndex = info >>> 8;
        type = info & 0xff;
        if (rela) addend = r.view.getInt32(o + 8, r.le);
      }
      relocations[i] = {
        offset,
        type,
        symbolIndex,
        symbol: symbolIndex ? syms[symbolIndex] : undefined,
        addend,
      };
    }
    out.push({ section: s, target: s.info, symbolTable, relocations });
  }
  return out;
}

/** A section's contents (empty for SHT_NOBITS such as `.bss`). */
export function sectionBytes(elf: ElfFile, section: ElfSection): Uint8Array {
  if (section.type === SHT_NOBITS) return new Uint8Array(0);
  return elf.bytes.subarray(section.offset, section.offset + section.size);
}

export function sectionByName(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/**
 * The file bytes backing [addr, addr + length) of a linked file's address space, or undefined when no
 * loaded section with contents covers the whole range.
 */
export function bytesAtAddress(elf: ElfFile, addr: number, length: number): Uint8Array | undefined {
  for (const s of elf.sections) {
    if ((s.flags & SHF_ALLOC) === 0 || s.type === SHT_NOBITS) continue;
    if (addr >= s.addr && addr + length <= s.addr + s.size) {
      const start = s.offset + (addr - s.addr);
      return elf.bytes.subarray(start, start + length);
    }
  }
  return undefined;
}

/** Size of `.text`, plus every `.text.<fn>` section of objects built with function sections. */
export function textBytes(elf: ElfFile): number {
  let total = 0;
  for (const s of elf.sections) if (s.name === '.text' || s.name.startsWith('.text.')) total += s.size;
  return total;
}
