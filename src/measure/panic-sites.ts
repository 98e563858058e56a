// Counts call sites of `panic_const_async_fn_resumed` / `..._resumed_panic` per function: the code
// `-Zasync-panic=false` (rust-lang/compiler-team#1016) would remove. rustc-outputs.md §3.2: in linked
// PIE binaries the calls go through the GOT (`call *disp(%rip)`, resolved via `.rela.dyn`), in `.o`/`.a`
// they carry relocations against the symbol, or with LTO (the panic fn then local to the object) against
// its section symbol plus an addend. Site bytes are measured per site: the call/jump
// instruction plus the `lea <Location>(%rip),%rdi` right before it when present (x86-64), or the 4-byte
// BL/B.W (Thumb). Linked code is scanned byte by byte for call/jmp opcodes without a full disassembler;
// a false hit needs the stray opcode's operand to resolve to the exact panic address.
import type { CodePart, PanicSites } from '../model/report.ts';
import { demangle, isRustSymbol } from '../readers/demangle/index.ts';
import {
  bytesAtAddress,
  type ElfFile,
  type ElfRelocation,
  type ElfSymbol,
  EM_ARM,
  EM_X86_64,
  ET_REL,
  SHF_EXECINSTR,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHT_RELA,
  STT_FUNC,
  STT_SECTION,
  sectionBytes,
} from '../readers/elf.ts';
import type { CodeObject } from './code-objects.ts';

export type PanicKind = 'resumed' | 'resumedPanic';

export interface FunctionPanicSites extends PanicSites {
  /** Raw symbol name. */
  symbol: string;
  demangled: string;
  object: string;
  /** Function start (address in linked files, section offset in objects). */
  address: number;
}

export interface PanicSiteResult {
  /** Functions with at least one site. Local duplicates (CGU copies) appear once per copy. */
  functions: FunctionPanicSites[];
  total: PanicSites;
  /** Objects whose machine this counter cannot decode (named, never silently skipped). */
  unsupported: { object: string; machine: number }[];
}

const NAMES: Record<string, PanicKind> = {
  panic_const_async_fn_resumed: 'resumed',
  panic_const_async_fn_resumed_panic: 'resumedPanic',
};

/** Which panic fn a symbol is (by its last path segment, so v0, legacy and `#[no_mangle]` all work). */
export function panicKindOf(rawName: string): PanicKind | undefined {
  if (!rawName.includes('panic_const_async_fn_resumed')) return undefined;
  const name = isRustSymbol(rawName) ? demangle(rawName) : rawName;
  const last = name.slice(name.lastIndexOf(':') + 1);
  return NAMES[last];
}

// x86-64 relocation types.
const R_X86_64_64 = 1;
const R_X86_64_PC32 = 2;
const R_X86_64_PLT32 = 4;
const R_X86_64_GLOB_DAT = 6;
const R_X86_64_JUMP_SLOT = 7;
const R_X86_64_RELATIVE = 8;
const R_X86_64_GOTPCREL = 9;
const R_X86_64_GOTPCRELX = 41;
const R_X86_64_REX_GOTPCRELX = 42;
// ARM relocation types.
const R_ARM_THM_CALL = 10;
const R_ARM_THM_JUMP24 = 30;

const LEA_RDI_RIP = [0x48, 0x8d, 0x3d];

function isDefinedFunction(s: ElfSymbol): boolean {
  return s.type === STT_FUNC && s.size > 0 && s.shndx !== SHN_UNDEF && s.shndx < SHN_LORESERVE;
}

/** Bytes of the x86-64 call at [at, at + len) plus a `lea disp32(%rip),%rdi` directly before it. */
function x86SiteBytes(code: Uint8Array, at: number, len: number): number {
  const lea = at - 7;
  return lea >= 0 && LEA_RDI_RIP.every((b, k) => code[lea + k] === b) ? len + 7 : len;
}

interface Tally {
  resumed: number;
  resumedPanic: number;
  bytes: number;
}

function add(t: Tally, kind: PanicKind, bytes: number): void {
  t[kind]++;
  t.bytes += bytes;
}

/** Linked x86-64: direct calls, GOT-indirect calls (relocations or slot contents) and PLT stubs. */
function scanLinkedX86(
  elf: ElfFile,
  fn: ElfSymbol,
  resolve: (target: number, viaSlot: boolean) => PanicKind | undefined,
): Tally {
  const t: Tally = { resumed: 0, resumedPanic: 0, bytes: 0 };
  const code = bytesAtAddress(elf, fn.value, fn.size);
  if (!code) return t;
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  for (let i = 0; i + 5 <= code.length; i++) {
    const op = code[i];
    if (op === 0xe8 || op === 0xe9) {
      const kind = resolve(fn.value + i + 5 + view.getInt32(i + 1, true), false);
      if (kind) {
        add(t, kind, x86SiteBytes(code, i, 5));
        i += 4;
      }
    } else if (op === 0xff && (code[i + 1] === 0x15 || code[i + 1] === 0x25) && i + 6 <= code.length) {
      const kind = resolve(fn.value + i + 6 + view.getInt32(i + 2, true), true);
      if (kind) {
        add(t, kind, x86SiteBytes(code, i, 6));
        i += 5;
      }
    }
  }
  return t;
}

/** Thumb-2 BL / B.W target, or undefined when the halfwords are not one. */
function thumbBranchTarget(hw1: number, hw2: number, pc: number): number | undefined {
  if ((hw1 & 0xf800) !== 0xf000) return undefined;
  const isBl = (hw2 & 0xd000) === 0xd000;
  const isBw = (hw2 & 0xd000) === 0x9000;
  if (!isBl && !isBw) return undefined;
  const s = (hw1 >> 10) & 1;
  const i1 = ~(((hw2 >> 13) & 1) ^ s) & 1;
  const i2 = ~(((hw2 >> 11) & 1) ^ s) & 1;
  let imm = (s << 24) | (i1 << 23) | (i2 << 22) | ((hw1 & 0x3ff) << 12) | ((hw2 & 0x7ff) << 1);
  if (s) imm -= 1 << 25;
  return pc + 4 + imm;
}

function scanLinkedThumb(elf: ElfFile, fn: ElfSymbol, targets: Map<number, PanicKind>): Tally {
  const t: Tally = { resumed: 0, resumedPanic: 0, bytes: 0 };
  const code = bytesAtAddress(elf, fn.value, fn.size);
  if (!code) return t;
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  for (let i = 0; i + 4 <= code.length; i += 2) {
    const target = thumbBranchTarget(
      view.getUint16(i, elf.littleEndian),
      view.getUint16(i + 2, elf.littleEndian),
      fn.value + i,
    );
    const kind = target === undefined ? undefined : targets.get(target);
    if (kind) {
      add(t, kind, 4);
      i += 2;
    }
  }
  return t;
}

/** GOT slots (and other pointer slots) the dynamic relocations fill with a panic fn's address. */
function panicSlots(elf: ElfFile, targets: Map<number, PanicKind>): Map<number, PanicKind> {
  const slots = new Map<number, PanicKind>();
  for (const rs of elf.relocationSections) {
    for (const r of rs.relocations) {
      let kind: PanicKind | undefined;
      if (r.type === R_X86_64_RELATIVE) kind = targets.get(r.addend);
      else if (r.type === R_X86_64_GLOB_DAT || r.type === R_X86_64_JUMP_SLOT || r.type === R_X86_64_64)
        kind = r.symbol ? panicKindOf(r.symbol.name) : undefined;
      if (kind) slots.set(r.offset, kind);
    }
  }
  return slots;
}

function countLinked(obj: CodeObject, out: FunctionPanicSites[]): void {
  const { elf } = obj;
  const targets = new Map<number, PanicKind>();
  for (const s of [...elf.symbols, ...elf.dynamicSymbols]) {
    if (s.shndx === SHN_UNDEF || s.shndx >= SHN_LORESERVE) continue;
    const kind = panicKindOf(s.name);
    if (kind) targets.set(s.value, kind);
  }
  const slots = elf.machine === EM_X86_64 ? panicSlots(elf, targets) : new Map<number, PanicKind>();
  const pltSections = elf.sections.filter((s) => /^\.plt(\.sec|\.got)?$/.test(s.name));
  const resolveSlot = (slot: number): PanicKind | undefined => {
    const known = slots.get(slot);
    if (known) return known;
    // Non-PIE static links fill the GOT at link time: read the slot itself.
    const raw = bytesAtAddress(elf, slot, 8);
    if (!raw) return undefined;
    const v = new DataView(raw.buffer, raw.byteOffset, 8);
    return targets.get(v.getUint32(0, true) + v.getUint32(4, true) * 0x1_0000_0000);
  };
  const resolve = (target: number, viaSlot: boolean): PanicKind | undefined => {
    if (viaSlot) return resolveSlot(target);
    const direct = targets.get(target);
    if (direct) return direct;
    // A call into a PLT stub: decode its `jmp *disp(%rip)` (FF 25, after an optional endbr64/bnd prefix).
    if (!pltSections.some((p) => target >= p.addr && target < p.addr + p.size)) return undefined;
    const stub = bytesAtAddress(elf, target, 16);
    if (!stub) return undefined;
    for (let i = 0; i + 6 <= stub.length; i++)
      if (stub[i] === 0xff && stub[i + 1] === 0x25) {
        const disp = new DataView(stub.buffer, stub.byteOffset + i + 2, 4).getInt32(0, true);
        return resolveSlot(target + i + 6 + disp);
      }
    return undefined;
  };
  const seen = new Set<string>();
  for (const fn of elf.symbols.length > 0 ? elf.symbols : elf.dynamicSymbols) {
    if (!isDefinedFunction(fn) || targets.has(fn.value)) continue;
    const section = elf.sections[fn.shndx];
    if (!section || (section.flags & SHF_EXECINSTR) === 0) continue;
    // Aliases (same address and size) would be counted twice.
    const at = `${fn.value}:${fn.size}`;
    if (seen.has(at)) continue;
    seen.add(at);
    const t = elf.machine === EM_ARM ? scanLinkedThumb(elf, fn, targets) : scanLinkedX86(elf, fn, resolve);
    if (t.resumed + t.resumedPanic > 0) out.push(site(obj, fn, t));
  }
}

function site(obj: CodeObject, fn: ElfSymbol, t: Tally): FunctionPanicSites {
  return { symbol: fn.name, demangled: demangle(fn.name), object: obj.name, address: fn.value, ...t };
}

/**
 * Relocatable objects: relocations against the panic fns inside each function's byte range. Calls to an
 * imported panic fn are relocated against its symbol. With LTO, core's panic fns become local functions
 * of the same object and the assembler relocates calls to them against their section's STT_SECTION
 * symbol plus an addend (`.text.unlikely.<panic fn>-0x4`), resolved here to the function at that offset.
 * A call within one section to a local function needs no relocation at all: the sections that hold a
 * panic fn are scanned for such calls too.
 */
function countRelocatable(obj: CodeObject, out: FunctionPanicSites[]): void {
  const { elf } = obj;
  // Most objects never reference the panic fns: find their symbols first and skip the rest.
  const panicSymbols = new Map<number, PanicKind>();
  /** Locally defined panic fns: section index -> offset -> kind. */
  const definedAt = new Map<number, Map<number, PanicKind>>();
  for (const s of elf.symbols) {
    const kind = panicKindOf(s.name);
    if (!kind) continue;
    panicSymbols.set(s.index, kind);
    if (!isDefinedFunction(s)) continue;
    const at = definedAt.get(s.shndx) ?? new Map<number, PanicKind>();
    definedAt.set(s.shndx, at);
    if (!at.has(s.value)) at.set(s.value, kind);
  }
  if (panicSymbols.size === 0) return;
  let fnsBySection: Map<number, ElfSymbol[]> | undefined;
  const functionsIn = (section: number): ElfSymbol[] => {
    if (!fnsBySection) {
      fnsBySection = new Map();
      for (const s of elf.symbols)
        if (isDefinedFunction(s)) fnsBySection.set(s.shndx, [...(fnsBySection.get(s.shndx) ?? []), s]);
    }
    return fnsBySection.get(section) ?? [];
  };
  const tallies = new Map<ElfSymbol, Tally>();
  /** Relocated offsets per patched section, for the relocation-less scan. */
  const relocated = new Map<number, Set<number>>();
  for (const rs of elf.relocationSections) {
    if (rs.symbolTable !== 'symtab') continue;
    const section = elf.sections[rs.target];
    if (!section || (section.flags & SHF_EXECINSTR) === 0) continue;
    if (definedAt.has(section.index)) {
      const offsets = relocated.get(section.index) ?? new Set<number>();
      relocated.set(section.index, offsets);
      for (const r of rs.relocations) offsets.add(r.offset);
    }
    let code: Uint8Array | undefined;
    for (const r of rs.relocations) {
      const named = panicSymbols.get(r.symbolIndex);
      const viaSection = !named && r.symbol?.type === STT_SECTION ? definedAt.get(r.symbol.shndx) : undefined;
      if (!named && !viaSection) continue;
      code ??= sectionBytes(elf, section);
      let kind = named;
      if (viaSection) {
        const target = sectionRelocationTarget(elf, r, rs.section.type === SHT_RELA, code);
        kind = target === undefined ? undefined : viaSection.get(target);
      }
      if (!kind) continue;
      const fn = functionsIn(section.index).find((f) => r.offset >= f.value && r.offset < f.value + f.size);
      if (!fn || definedAt.get(section.index)?.has(fn.value)) continue;
      const bytes = relocatedCallBytes(elf.machine, r.type, code, r.offset);
      if (bytes === undefined) continue;
      const t = tallies.get(fn) ?? { resumed: 0, resumedPanic: 0, bytes: 0 };
      tallies.set(fn, t);
      add(t, kind, bytes);
    }
  }
  for (const [index, targets] of definedAt) {
    const section = elf.sections[index];
    if (!section || (section.flags & SHF_EXECINSTR) === 0) continue;
    const fns = functionsIn(index).filter((f) => !targets.has(f.value));
    if (fns.length === 0) continue;
    const code = sectionBytes(elf, section);
    const skip = relocated.get(index) ?? new Set<number>();
    for (const fn of fns) {
      const found = scanUnrelocated(elf, code, fn, targets, skip);
      if (found.resumed + found.resumedPanic === 0) continue;
      const t = tallies.get(fn) ?? { resumed: 0, resumedPanic: 0, bytes: 0 };
      tallies.set(fn, t);
      t.resumed += found.resumed;
      t.resumedPanic += found.resumedPanic;
      t.bytes += found.bytes;
    }
  }
  for (const [fn, t] of tallies) out.push(site(obj, fn, t));
}

/**
 * Calls inside one section to a panic fn of that section: resolved by the assembler, so no relocation
 * marks them. Offsets that carry a relocation are skipped (their displacement is not final).
 */
function scanUnrelocated(
  elf: ElfFile,
  code: Uint8Array,
  fn: ElfSymbol,
  targets: Map<number, PanicKind>,
  relocated: Set<number>,
): Tally {
  const t: Tally = { resumed: 0, resumedPanic: 0, bytes: 0 };
  const end = Math.min(fn.value + fn.size, code.length);
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  if (elf.machine === EM_ARM) {
    for (let i = fn.value; i + 4 <= end; i += 2) {
      if (relocated.has(i)) continue;
      const target = thumbBranchTarget(
        view.getUint16(i, elf.littleEndian),
        view.getUint16(i + 2, elf.littleEndian),
        i,
      );
      const kind = target === undefined ? undefined : targets.get(target);
      if (kind) {
        add(t, kind, 4);
        i += 2;
      }
    }
    return t;
  }
  for (let i = fn.value; i + 5 <= end; i++) {
    if ((code[i] !== 0xe8 && code[i] !== 0xe9) || relocated.has(i + 1)) continue;
    const kind = targets.get(i + 5 + view.getInt32(i + 1, true));
    if (kind) {
      add(t, kind, x86SiteBytes(code, i, 5));
      i += 4;
    }
  }
  return t;
}

/**
 * The section offset a call relocated against a section symbol lands on: the symbol's value plus the
 * addend, corrected for the PC-relative form (x86-64 PLT32/PC32 carry -4 because the CPU adds the end of
 * the 4-byte field; REL-format ARM keeps the addend in the BL/B.W immediate, whose PC is 4 bytes on).
 * Undefined for relocation types that are not calls.
 */
function sectionRelocationTarget(
  elf: ElfFile,
  r: ElfRelocation,
  rela: boolean,
  code: Uint8Array,
): number | undefined {
  const base = r.symbol!.value;
  if (elf.machine === EM_X86_64) {
    if (r.type === R_X86_64_PLT32 || r.type === R_X86_64_PC32) return base + r.addend + 4;
    // A GOT entry holds the symbol's address; the addend only corrects for the PC.
    if (r.type === R_X86_64_GOTPCREL || r.type === R_X86_64_GOTPCRELX || r.type === R_X86_64_REX_GOTPCRELX)
      return base;
    return undefined;
  }
  if (elf.machine !== EM_ARM || (r.type !== R_ARM_THM_CALL && r.type !== R_ARM_THM_JUMP24)) return undefined;
  let addend = r.addend;
  if (!rela) {
    if (r.offset + 4 > code.length) return undefined;
    const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
    // thumbBranchTarget with PC 0 is the encoded immediate + 4.
    const encoded = thumbBranchTarget(
      view.getUint16(r.offset, elf.littleEndian),
      view.getUint16(r.offset + 2, elf.littleEndian),
      0,
    );
    if (encoded === undefined) return undefined;
    addend = encoded - 4;
  }
  // A section symbol has no Thumb bit of its own: the addend may carry it.
  return (base + addend + 4) & ~1;
}

/** Bytes of the call a relocation at `offset` belongs to, or undefined when it is not a call/jump. */
function relocatedCallBytes(
  machine: number,
  type: number,
  code: Uint8Array,
  offset: number,
): number | undefined {
  if (machine === EM_ARM) return type === R_ARM_THM_CALL || type === R_ARM_THM_JUMP24 ? 4 : undefined;
  if (type === R_X86_64_GOTPCREL || type === R_X86_64_GOTPCRELX || type === R_X86_64_REX_GOTPCRELX) {
    // `call/jmp *sym@GOTPCREL(%rip)`: FF 15/25 + disp32, the relocation on the disp.
    if (code[offset - 2] !== 0xff || (code[offset - 1] !== 0x15 && code[offset - 1] !== 0x25))
      return undefined;
    return x86SiteBytes(code, offset - 2, 6);
  }
  if (type === R_X86_64_PLT32 || type === R_X86_64_PC32) {
    if (code[offset - 1] !== 0xe8 && code[offset - 1] !== 0xe9) return undefined;
    return x86SiteBytes(code, offset - 1, 5);
  }
  return undefined;
}

/** Counts panic call sites in every function of the objects (a linked file, or an archive's members). */
export function countPanicSites(objects: CodeObject[]): PanicSiteResult {
  const functions: FunctionPanicSites[] = [];
  const unsupported: PanicSiteResult['unsupported'] = [];
  for (const obj of objects) {
    const { elf } = obj;
    if (elf.machine !== EM_X86_64 && elf.machine !== EM_ARM) {
      unsupported.push({ object: obj.name, machine: elf.machine });
      continue;
    }
    if (elf.fileType === ET_REL) countRelocatable(obj, functions);
    else countLinked(obj, functions);
  }
  const total = functions.reduce<PanicSites>(
    (t, f) => ({
      resumed: t.resumed + f.resumed,
      resumedPanic: t.resumedPanic + f.resumedPanic,
      bytes: t.bytes + f.bytes,
    }),
    { resumed: 0, resumedPanic: 0, bytes: 0 },
  );
  return { functions, total, unsupported };
}

/**
 * Sums the sites of an item's poll fns (every copy); inlined children's sites are inside these.
 * Undefined when the item has no poll fn of its own (inlined into its caller): its sites, if any, are
 * counted in that caller, so 0 would be a wrong answer.
 */
export function panicSitesOf(parts: CodePart[], result: PanicSiteResult): PanicSites | undefined {
  const polls = new Set(parts.filter((p) => p.kind === 'poll').map((p) => p.symbol));
  if (polls.size === 0) return undefined;
  const t: PanicSites = { resumed: 0, resumedPanic: 0, bytes: 0 };
  for (const f of result.functions) {
    if (!polls.has(f.demangled)) continue;
    t.resumed += f.resumed;
    t.resumedPanic += f.resumedPanic;
    t.bytes += f.bytes;
  }
  return t;
}
