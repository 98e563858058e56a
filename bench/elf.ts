// Symbol-reading and demangling throughput against binutils/rustfilt, measured in the same run on the
// same files: (1) every symbol of rustc's own librustc_driver-*.so (~150 MB, ~165k symbols) with
// loadSymbolsOnly (reads headers + symbol/string tables, then readElf) vs `nm -S`; (2) every member of
// the fixture's staticlib (libasyncfix.a, all of std), symbols only and with relocations decoded too,
// vs `nm -S`; (3) demangling every Rust symbol of (1) vs `rustfilt`.
// Ratios < 1 mean asyncbloat is faster. Best of ROUNDS wall times; the tools' times include process start.
//   node --import tsx bench/elf.ts
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadSymbolsOnly } from '../src/measure/code-objects.ts';
import { readArchive } from '../src/readers/ar-archive.ts';
import { demangle, isRustSymbol } from '../src/readers/demangle/index.ts';
import { readElf } from '../src/readers/elf.ts';
import { buildAsyncfix, MATRIX } from '../test/code/support/fixtures.ts';

const ROUNDS = 5;

function best(fn: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

function tool(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, {
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'],
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
}

const ms = (x: number): string => `${x.toFixed(0)} ms`;
const ratio = (ours: number, ref: number): string => `${(ours / ref).toFixed(2)}x`;

export async function run(): Promise<void> {
  const sysrootLib = join(
    spawnSync('rustc', ['+stable', '--print', 'sysroot'], { encoding: 'utf8' }).stdout.trim(),
    'lib',
  );
  const so = join(sysrootLib, readdirSync(sysrootLib).find((f) => /^librustc_driver-.*\.so$/.test(f))!);

  let symbolCount = 0;
  let names: string[] = [];
  const oursSo = best(() => {
    const elf = loadSymbolsOnly(so).objects[0]!.elf;
    symbolCount = elf.symbols.length + elf.dynamicSymbols.length;
    names = elf.symbols.map((s) => s.name);
  });
  const nmSo = best(() => tool('nm', ['-S', so]));
  console.log(
    `librustc_driver .so: ${symbolCount} symbols; loadSymbolsOnly ${ms(oursSo)}, nm -S ${ms(nmSo)}: ${ratio(oursSo, nmSo)} of nm`,
  );

  const lib = buildAsyncfix(MATRIX[0]!).staticlib;
  let members = 0;
  let libSymbols = 0;
  const oursA = best(() => {
    const { objects } = loadSymbolsOnly(lib);
    members = objects.length;
    libSymbols = objects.reduce((n, o) => n + o.elf.symbols.length, 0);
  });
  // The same with relocations decoded too (what loadCodeObjects does for panic-site counting).
  const oursAFull = best(() => {
    for (const m of readArchive(readFileSync(lib)).members) readElf(m.bytes, { allowStripped: true });
  });
  // --target skips binutils' LTO plugin, which fails on std members' embedded bitcode.
  const nmA = best(() => tool('nm', ['--target=elf64-x86-64', '-S', lib]));
  console.log(
    `staticlib (${members} members, ${libSymbols} symbols): loadSymbolsOnly ${ms(oursA)}, nm -S ${ms(nmA)}: ${ratio(oursA, nmA)} of nm; with relocations ${ms(oursAFull)}: ${ratio(oursAFull, nmA)} of nm`,
  );

  const rust = [...new Set(names.filter(isRustSymbol))];
  const input = `${rust.join('\n')}\n`;
  const oursD = best(() => {
    for (const n of rust) demangle(n);
  });
  const filtD = best(() => tool('rustfilt', [], input));
  console.log(
    `demangle ${rust.length} Rust symbols: ours ${ms(oursD)} (${((oursD * 1000) / rust.length).toFixed(1)} µs each), rustfilt ${ms(filtD)}: ${ratio(oursD, filtD)} of rustfilt`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
