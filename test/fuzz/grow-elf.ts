// Larger ELF files made from a real one, for the scaling tests: its section header table repeated (every
// copy pointing at the same section data), or its symbol table repeated. Both stay valid ELF.
const HEADER = {
  32: { shoff: 32, shentsize: 46, shnum: 48, offset: 16, size: 20 },
  64: { shoff: 40, shentsize: 58, shnum: 60, offset: 24, size: 32 },
};

function layout(elf: Uint8Array) {
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const le = elf[5] === 1;
  const h = elf[4] === 2 ? HEADER[64] : HEADER[32];
  const word = (at: number) =>
    h === HEADER[64] ? Number(view.getBigUint64(at, le)) : view.getUint32(at, le);
  const shoff = word(h.shoff);
  const shentsize = view.getUint16(h.shentsize, le);
  const shnum = view.getUint16(h.shnum, le);
  return { le, h, word, shoff, shentsize, shnum };
}

function setWord(out: Uint8Array, at: number, value: number, is64: boolean, le: boolean): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (is64) view.setBigUint64(at, BigInt(value), le);
  else view.setUint32(at, value, le);
}

/** `elf` with `extra` appended (8-byte aligned); returns the bytes and where `extra` starts. */
function append(elf: Uint8Array, extra: Uint8Array): { out: Uint8Array; at: number } {
  const at = Math.ceil(elf.length / 8) * 8;
  const out = new Uint8Array(at + extra.length);
  out.set(elf);
  out.set(extra, at);
  return { out, at };
}

function repeat(bytes: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(bytes.length * times);
  for (let i = 0; i < times; i++) out.set(bytes, i * bytes.length);
  return out;
}

/** The section header table repeated `times` times (extended numbering past 0xff00 sections). */
export function withSectionsRepeated(elf: Uint8Array, times: number): Uint8Array {
  const { le, h, shoff, shentsize, shnum } = layout(elf);
  const is64 = h === HEADER[64];
  const { out, at } = append(elf, repeat(elf.subarray(shoff, shoff + shnum * shentsize), times));
  const view = new DataView(out.buffer);
  setWord(out, h.shoff, at, is64, le);
  const count = shnum * times;
  if (count < 0xff00) view.setUint16(h.shnum, count, le);
  else {
    view.setUint16(h.shnum, 0, le);
    setWord(out, at + h.size, count, is64, le);
  }
  return out;
}

/** The symbol table's entries repeated `times` times. */
export function withSymbolsRepeated(elf: Uint8Array, times: number): Uint8Array {
  const { le, h, word, shoff, shentsize, shnum } = layout(elf);
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  let symtab = -1;
  for (let i = 0; i < shnum; i++) if (view.getUint32(shoff + i * shentsize + 4, le) === 2) symtab = i;
  const header = shoff + symtab * shentsize;
  const offset = word(header + h.offset);
  const size = word(header + h.size);
  const { out, at } = append(elf, repeat(elf.subarray(offset, offset + size), times));
  const is64 = h === HEADER[64];
  setWord(out, header + h.offset, at, is64, le);
  setWord(out, header + h.size, size * times, is64, le);
  return out;
}
