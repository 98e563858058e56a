// The fuzz targets: every reader of `asyncbloat/readers` (as users import it, from dist/) and the source
// scan (parser, inventory and rules), each with seeds from real outputs of the installed rustc and a
// mutation arbitrary (fast-check): byte flips, truncation, line shuffles, huge numbers, deep nesting, long
// lines, invalid UTF-8. A target's `run` must return or throw an error the reader documents (ElfError and
// other UserErrors); anything else is a crash. test/fuzz/readers.test.ts runs a fixed budget in `npm test`,
// scripts/fuzz.ts a long one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as readers from 'asyncbloat/readers';
import fc from 'fast-check';
import { UserError } from '../../src/errors.ts';
import { loadRustParser } from '../../src/readers/rust-source/parser.ts';
import { RULES } from '../../src/rules/index.ts';
import { analyzeFile } from '../../src/scan/analyze-file.ts';
import { buildPowerpcObject, buildThumb } from '../code/support/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface FuzzTarget {
  name: string;
  /** Inputs of this reader, mutated. */
  input: () => fc.Arbitrary<Uint8Array>;
  /** Reads one input; throws only what the reader documents. */
  run: (input: Uint8Array) => void | Promise<void>;
}

/** Errors a reader may throw on bad input: they carry a message for the user. */
export function expectedError(e: unknown): boolean {
  return e instanceof UserError || (e instanceof Error && e.name === 'ElfError');
}

const utf8 = new TextDecoder();
const text = (b: Uint8Array) => utf8.decode(b);

type Mutation = (b: Uint8Array) => Uint8Array;

/** One mutation of a byte string, as fast-check generates them (shrinkable). */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map(
    (flips): Mutation =>
      (b) => {
        const out = new Uint8Array(b);
        for (const [at, v] of flips) if (out.length > 0) out[at % out.length] = v;
        return out;
      },
  ),
  fc.nat().map(
    (n): Mutation =>
      (b) =>
        b.subarray(0, b.length === 0 ? 0 : n % b.length),
  ),
  fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 }).map(
    (swaps): Mutation =>
      (b) => {
        const lines = text(b).split('\n');
        for (const [i, j] of swaps) {
          const a = i % lines.length;
          const c = j % lines.length;
          [lines[a], lines[c]] = [lines[c]!, lines[a]!];
        }
        return new TextEncoder().encode(lines.join('\n'));
      },
  ),
  fc.nat().map(
    (n): Mutation =>
      (b) =>
        splice(b, n, '9'.repeat(40)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 50, max: 3000 }), fc.constantFrom('(', '[', '{', '<', 'Box<')).map(
    ([n, depth, open]): Mutation =>
      (b) =>
        splice(b, n, open.repeat(depth)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 1000, max: 60_000 })).map(
    ([n, len]): Mutation =>
      (b) =>
        splice(b, n, 'x'.repeat(len)),
  ),
  fc.tuple(fc.nat(), fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80])).map(
    ([n, bad]): Mutation =>
      (b) => {
        const at = b.length === 0 ? 0 : n % b.length;
        return Uint8Array.from([...b.subarray(0, at), ...bad, ...b.subarray(at)]);
      },
  ),
);

function splice(b: Uint8Array, n: number, s: string): Uint8Array {
  const at = b.length === 0 ? 0 : n % b.length;
  const ins = new TextEncoder().encode(s);
  const out = new Uint8Array(b.length + ins.length);
  out.set(b.subarray(0, at));
  out.set(ins, at);
  out.set(b.subarray(at), at + ins.length);
  return out;
}

/** Seeds, each mutated by one to four mutations (or none: the seed itself must read). */
export function mutated(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { maxLength: 4 }))
    .map(([seed, ms]) => ms.reduce((b, m) => m(b), seed));
}

export const files = (dir: string, filter: (name: string) => boolean): Uint8Array[] =>
  readdirSync(join(ROOT, dir))
    .filter(filter)
    .map((f) => new Uint8Array(readFileSync(join(ROOT, dir, f))));

/** Real compiler text recorded from both installed toolchains (test/fixtures/recorded*). */
export function recorded(filter: (name: string) => boolean): Uint8Array[] {
  return ['recorded', 'recorded-dumps'].flatMap((d) =>
    readdirSync(join(ROOT, 'test/fixtures', d), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => files(join('test/fixtures', d, e.name), filter)),
  );
}

/** Real binaries built by the installed rustc: a Thumb executable with `.stack_sizes`, a PowerPC object, an ar archive of it. */
export function binaries(): { elf: Uint8Array[]; ar: Uint8Array[] } {
  const thumb = buildThumb({ stackSizes: true });
  const ppc = buildPowerpcObject({ stackSizes: true });
  const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-fuzz-'));
  const archive = join(dir, 'lib.a');
  execFileSync('ar', ['rcs', archive, ppc, thumb]);
  return {
    elf: [thumb, ppc].map((f) => new Uint8Array(readFileSync(f))),
    ar: [new Uint8Array(readFileSync(archive))],
  };
}

export async function fuzzTargets(): Promise<FuzzTarget[]> {
  const bin = binaries();
  const mir = recorded((n) => n.endsWith('.mir'));
  const typeSizes = recorded((n) => n.endsWith('type-sizes.txt'));
  const symbols = readers
    .readElf(bin.elf[0]!)
    .symbols.map((s) => s.name)
    .filter((n) => n.startsWith('_R') || n.startsWith('_ZN'))
    .map((n) => new TextEncoder().encode(n));
  const sources = [
    ...files('examples/firmware-demo/src', (n) => n.endsWith('.rs')),
    ...files('test/fixtures/precision/src', (n) => n.endsWith('.rs')),
  ];
  const parser = await loadRustParser();
  const tolerate = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!expectedError(e)) throw e;
    }
  };
  return [
    {
      name: 'mir',
      input: () => mutated(mir),
      run: (b) => void readers.readMir(text(b)),
    },
    {
      name: 'type-sizes',
      input: () => mutated(typeSizes),
      run: (b) => void readers.readTypeSizes(text(b)),
    },
    {
      name: 'elf',
      input: () => mutated(bin.elf),
      run: (b) => tolerate(() => void readers.readElf(b, { allowStripped: true })),
    },
    {
      name: 'stack-sizes',
      input: () => mutated(bin.elf),
      run: (b) =>
        tolerate(() => {
          const elf = readers.readElf(b, { allowStripped: true });
          const stack = readers.readStackSizes(elf);
          for (const s of elf.symbols) readers.frameOf(stack, elf, s);
        }),
    },
    {
      name: 'ar',
      input: () => mutated(bin.ar),
      run: (b) =>
        tolerate(() => {
          for (const m of readers.readArchive(b).members)
            tolerate(() => void readers.readElf(m.bytes, { allowStripped: true }));
        }),
    },
    {
      name: 'demangle',
      input: () => mutated(symbols),
      run: (b) => void readers.demangle(text(b)),
    },
    {
      name: 'rust-source',
      input: () => mutated(sources),
      run: (b) => void analyzeFile(parser, text(b), 'src/lib.rs', '', RULES, '2021', ['futures']),
    },
  ];
}
