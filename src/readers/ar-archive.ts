// `ar` archives (`.a` static libraries: one `.o` per codegen unit plus all of std for a Rust
// staticlib). GNU and BSD variants: `//` long-name table, `/123` references, `#1/<len>` inline BSD
// names; the symbol index (`/`, `/SYM64/`, `__.SYMDEF*`) is recognised and reported separately.
import { ElfError } from './elf.ts';

export interface ArchiveMember {
  name: string;
  /** Offset of the member's data in the archive. */
  offset: number;
  bytes: Uint8Array;
}

export interface Archive {
  members: ArchiveMember[];
  /** The archive's symbol index member, when present (its bytes, undecoded). */
  symbolIndex: Uint8Array | undefined;
}

const GLOBAL_MAGIC = '!<arch>\n';
const HEADER_SIZE = 60;

const latin1 = (b: Uint8Array, start: number, end: number): string =>
  Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');

export function isArchive(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && latin1(bytes, 0, 8) === GLOBAL_MAGIC;
}

/** Splits an `ar` archive into members. Throws ElfError('truncated'/'corrupt'/'not-elf') on bad input. */
export function readArchive(bytes: Uint8Array, fileName = 'input'): Archive {
  if (!isArchive(bytes)) throw new ElfError('not-elf', `${fileName} is not an ar archive (no !<arch> magic)`);
  const utf8 = new TextDecoder();
  const members: ArchiveMember[] = [];
  let symbolIndex: Uint8Array | undefined;
  let longNames = '';
  let pos = 8;
  while (pos < bytes.length) {
    // Members start at even offsets; a lone padding byte may end the file.
    if (pos + HEADER_SIZE > bytes.length) {
      if (bytes.length - pos === 1 && bytes[pos] === 0x0a) break;
      throw new ElfError(
        'truncated',
        `${fileName}: archive member header at offset ${pos} is cut off (truncated archive)`,
      );
    }
    const header = latin1(bytes, pos, pos + HEADER_SIZE);
    if (header.slice(58, 60) !== '`\n')
      throw new ElfError('corrupt', `${fileName}: corrupt archive member header at offset ${pos}`);
    const rawName = header.slice(0, 16).trimEnd();
    const size = Number.parseInt(header.slice(48, 58).trim(), 10);
    if (!Number.isFinite(size) || size < 0)
      throw new ElfError(
        'corrupt',
        `${fileName}: corrupt size field in archive member header at offset ${pos}`,
      );
    let dataStart = pos + HEADER_SIZE;
    const dataEnd = dataStart + size;
    if (dataEnd > bytes.length)
      throw new ElfError(
        'truncated',
        `${fileName}: archive member at offset ${pos} (${size} bytes) runs past the end of the file (truncated archive)`,
      );
    let name: string;
    if (rawName === '/' || rawName === '/SYM64/' || rawName.startsWith('__.SYMDEF')) {
      symbolIndex = bytes.subarray(dataStart, dataEnd);
      name = '';
    } else if (rawName === '//') {
      longNames = utf8.decode(bytes.subarray(dataStart, dataEnd));
      name = '';
    } else if (/^\/\d+$/.test(rawName)) {
      const at = Number(rawName.slice(1));
      if (at >= longNames.length)
        throw new ElfError('corrupt', `${fileName}: long member name offset ${at} is outside the name table`);
      let end = longNames.indexOf('\n', at);
      if (end < 0) end = longNames.length;
      name = longNames.slice(at, end).replace(/\/$/, '');
    } else if (rawName.startsWith('#1/')) {
      // BSD: the name is stored in the first <len> bytes of the data.
      const len = Number(rawName.slice(3));
      if (!Number.isInteger(len) || len > size)
        throw new ElfError('corrupt', `${fileName}: corrupt BSD member name at offset ${pos}`);
      name = utf8.decode(bytes.subarray(dataStart, dataStart + len)).replace(/\0+$/, '');
      dataStart += len;
      if (name.startsWith('__.SYMDEF')) {
        symbolIndex = bytes.subarray(dataStart, dataEnd);
        name = '';
      }
    } else {
      name = utf8
        .decode(bytes.subarray(pos, pos + 16))
        .trimEnd()
        .replace(/\/$/, '');
    }
    if (name !== '') members.push({ name, offset: dataStart, bytes: bytes.subarray(dataStart, dataEnd) });
    pos = dataEnd + (dataEnd % 2);
  }
  return { members, symbolIndex };
}
