// `asyncbloat/readers`: the readers of rustc's outputs and of binaries, as a library. Each is a pure function
// of its input: bad input gives an `ElfError`/`UserError` with what is wrong (binaries) or a count of what
// was not understood (`unparsed`, compiler text), never a crash or a silent drop. `npm test` fuzzes exactly
// this surface (test/fuzz/).
//
//   import { readTypeSizes, demangle } from 'asyncbloat/readers';
//   const { futures, unparsed } = readTypeSizes(stdoutOfRustcWithPrintTypeSizes);
export { type Archive, type ArchiveMember, isArchive, readArchive } from './ar-archive.ts';
export { type DemangleOptions, demangle, isRustSymbol } from './demangle/index.ts';
export {
  ElfError,
  type ElfFile,
  type ElfSection,
  type ElfSymbol,
  type ReadElfOptions,
  readElf,
  sectionByName,
  textBytes,
} from './elf.ts';
export type { LineAccountOptions, LineKind } from './line-account.ts';
export { type MirCoroutine, MirReader, type MirReadResult, readMir } from './mir.ts';
export { frameOf, readStackSizes, type StackSizes } from './stack-sizes.ts';
export {
  type HolderLayout,
  readTypeSizes,
  type TypeSize,
  TypeSizesReader,
  type TypeSizesReadResult,
} from './type-sizes.ts';
