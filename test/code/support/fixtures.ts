// Builds the test/fixtures/code crates with the real toolchain, once per build id (cargo's own lock
// makes concurrent test files safe; artifacts persist in the fixture's gitignored target/ dir).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'code');
const ASYNCFIX = join(CODE_FIXTURES, 'asyncfix');
const TARGET = join(ASYNCFIX, 'target');

export interface BuildSpec {
  id: string;
  toolchain: 'stable' | 'nightly';
  /** Cargo profile from the fixture's Cargo.toml. */
  profile: string;
  /** Pass `-C symbol-mangling-version=v0` (stable defaults to legacy; nightly is v0 already). */
  v0: boolean;
  /** What the profile sets, for test names. */
  describe: string;
  /** More RUSTFLAGS. */
  rustflags?: string;
  /**
   * Build the staticlib and cdylib with `cargo rustc --crate-type staticlib,cdylib` as well: rustc skips
   * LTO for a crate that is also an rlib (the fixture's lib is, for the bin), so only this way are the
   * libraries really LTO'd.
   */
  ltoLibs?: boolean;
}

/**
 * The matrix: opt-level 3/s/z, panic unwind/abort, codegen-units 16/1, LTO off/thin/fat, legacy and v0
 * mangling, stable and nightly (drop_glue naming). Seven builds of a small crate: ~25 s cold.
 */
export const MATRIX: BuildSpec[] = [
  {
    id: 'stable-release',
    toolchain: 'stable',
    profile: 'release',
    v0: false,
    describe: 'opt3 unwind cgu16 lto-off legacy',
  },
  {
    id: 'stable-s-abort',
    toolchain: 'stable',
    profile: 'opt-s-abort',
    v0: false,
    describe: 'opt-s abort cgu1 thin legacy',
  },
  {
    id: 'stable-z-fat',
    toolchain: 'stable',
    profile: 'opt-z-fat',
    v0: false,
    describe: 'opt-z unwind cgu16 fat legacy',
  },
  {
    id: 'v0-release',
    toolchain: 'stable',
    profile: 'release',
    v0: true,
    describe: 'opt3 unwind cgu16 lto-off v0',
  },
  {
    id: 'v0-s-abort',
    toolchain: 'stable',
    profile: 'opt-s-abort',
    v0: true,
    describe: 'opt-s abort cgu1 thin v0',
  },
  {
    id: 'nightly-release',
    toolchain: 'nightly',
    profile: 'release',
    v0: false,
    describe: 'nightly opt3 (v0 default)',
  },
  {
    id: 'stable-z-lto-abort',
    toolchain: 'stable',
    profile: 'opt-z-lto-abort',
    v0: false,
    describe: 'opt-z abort cgu1 fat, LTO libs legacy',
    ltoLibs: true,
  },
];

/** The embedded profile: core's panic fns become local functions of the one LTO'd object. */
export const LTO_ABORT: BuildSpec = MATRIX.find((s) => s.id === 'stable-z-lto-abort')!;

/** std linked as a shared library: the panic fns are imported, reached through GLOB_DAT GOT slots. */
export const DYNAMIC_STD: BuildSpec = {
  id: 'v0-dynamic',
  toolchain: 'stable',
  profile: 'release',
  v0: true,
  describe: 'opt3 prefer-dynamic v0',
  rustflags: '-C prefer-dynamic',
};

/**
 * The same with `-Z plt=yes` (nightly): calls to the imported panic fns go through `.plt` stubs
 * (`call <..._resumed@plt>`), which rustc otherwise avoids in favour of GOT-indirect calls.
 */
export const DYNAMIC_STD_PLT: BuildSpec = {
  id: 'nightly-dynamic-plt',
  toolchain: 'nightly',
  profile: 'release',
  v0: true,
  describe: 'opt3 prefer-dynamic plt=yes',
  rustflags: '-C prefer-dynamic -Z plt=yes',
};

export const STRIPPED: BuildSpec = {
  id: 'stable-stripped',
  toolchain: 'stable',
  profile: 'stripped',
  v0: false,
  describe: 'strip = true',
};

export interface Built {
  spec: BuildSpec;
  bin: string;
  cdylib: string;
  staticlib: string;
}

export function run(cmd: string, args: string[], input?: string, env?: Record<string, string>): string {
  return execFileSync(cmd, args, {
    env: env ? { ...process.env, ...env } : process.env,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
}

const built = new Map<string, Built>();

export function buildAsyncfix(spec: BuildSpec): Built {
  const cached = built.get(spec.id);
  if (cached) return cached;
  const targetDir = join(TARGET, spec.id);
  // CARGO_ENCODED_RUSTFLAGS, when set at all, would override RUSTFLAGS.
  const { CARGO_ENCODED_RUSTFLAGS: _ignored, ...env } = process.env;
  const buildEnv = {
    ...env,
    CARGO_INCREMENTAL: '0',
    RUSTFLAGS: [spec.v0 ? '-C symbol-mangling-version=v0' : '', spec.rustflags ?? ''].join(' ').trim(),
  };
  execFileSync(
    'cargo',
    [`+${spec.toolchain}`, 'build', '--quiet', '--profile', spec.profile, '--target-dir', targetDir],
    { cwd: ASYNCFIX, stdio: ['ignore', 'ignore', 'pipe'], env: buildEnv },
  );
  const dir = join(targetDir, spec.profile === 'dev' ? 'debug' : spec.profile);
  let libDir = dir;
  if (spec.ltoLibs) {
    // A target dir of its own, so the two cargo commands never overwrite each other's libraries.
    const libTarget = `${targetDir}-libs`;
    execFileSync(
      'cargo',
      [
        `+${spec.toolchain}`,
        'rustc',
        '--quiet',
        '--lib',
        '--crate-type',
        'staticlib,cdylib',
        '--profile',
        spec.profile,
        '--target-dir',
        libTarget,
      ],
      { cwd: ASYNCFIX, stdio: ['ignore', 'ignore', 'pipe'], env: buildEnv },
    );
    libDir = join(libTarget, spec.profile === 'dev' ? 'debug' : spec.profile);
  }
  const b: Built = {
    spec,
    bin: join(dir, 'asyncfix'),
    cdylib: join(libDir, 'libasyncfix.so'),
    staticlib: join(libDir, 'libasyncfix.a'),
  };
  built.set(spec.id, b);
  return b;
}

/** MIR names of the fixture's coroutines (`fn two_awaits::{closure#0}(..)` lines of `--emit=mir`). */
export function asyncfixMirCoroutines(): string[] {
  const targetDir = join(TARGET, 'mir');
  execFileSync(
    'cargo',
    [
      '+stable',
      'rustc',
      '--quiet',
      '--lib',
      '--release',
      '--crate-type',
      'rlib',
      '--target-dir',
      targetDir,
      '--',
      '--emit=mir',
    ],
    {
      cwd: ASYNCFIX,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CARGO_INCREMENTAL: '0', RUSTFLAGS: '' },
    },
  );
  const deps = join(targetDir, 'release', 'deps');
  const mir = run('sh', ['-c', `cat "${deps}"/asyncfix-*.mir`]);
  const names = new Set<string>();
  for (const m of mir.matchAll(/^fn (.*\{(?:closure|synthetic)#\d+\})\(/gm)) names.add(m[1]!);
  return [...names].sort();
}

/** The no_core fixture uses feature gates, which stable accepts with RUSTC_BOOTSTRAP=1. */
const BOOTSTRAP = { RUSTC_BOOTSTRAP: '1' };

const RUST_LLD = (): string =>
  join(
    run('rustc', ['+stable', '--print', 'sysroot']).trim(),
    'lib',
    'rustlib',
    'x86_64-unknown-linux-gnu',
    'bin',
    'rust-lld',
  );

/** A 32-bit ARM Thumb executable linked by rust-lld from a `#![no_core]` crate (no thumb std needed). */
export function buildThumb(opts: { stackSizes?: boolean } = {}): string {
  const out = join(TARGET, 'thumb', opts.stackSizes ? 'thumb-stack-sizes.elf' : 'thumb.elf');
  if (existsSync(out)) return out;
  mkdirSync(dirname(out), { recursive: true });
  run(
    'rustc',
    [
      '+stable',
      '--edition',
      '2021',
      '--target',
      'thumbv7em-none-eabihf',
      '-C',
      'panic=abort',
      '-C',
      'opt-level=0',
      '-C',
      'symbol-mangling-version=v0',
      ...(opts.stackSizes ? ['-Zemit-stack-sizes'] : []),
      '--crate-type',
      'bin',
      '-C',
      `linker=${RUST_LLD()}`,
      '-C',
      'link-arg=--entry=_start',
      join(CODE_FIXTURES, 'thumb', 'thumb.rs'),
      '-o',
      out,
    ],
    undefined,
    BOOTSTRAP,
  );
  return out;
}

/**
 * The same crate as a 32-bit big-endian PowerPC relocatable object (`--emit=obj`, no linker); `legacy`
 * asks for legacy symbol mangling (`_ZN…E`) instead of the toolchain's default.
 */
export function buildPowerpcObject(opts: { stackSizes?: boolean; legacy?: boolean } = {}): string {
  const name = `ppc${opts.stackSizes ? '-stack-sizes' : ''}${opts.legacy ? '-legacy' : ''}.o`;
  const out = join(TARGET, 'thumb', name);
  if (existsSync(out)) return out;
  mkdirSync(dirname(out), { recursive: true });
  run(
    'rustc',
    [
      '+stable',
      '--edition',
      '2021',
      '--target',
      'powerpc-unknown-linux-gnu',
      '-C',
      'panic=abort',
      '-C',
      'opt-level=0',
      ...(opts.stackSizes ? ['-Zemit-stack-sizes'] : []),
      ...(opts.legacy ? ['-Zunstable-options', '-C', 'symbol-mangling-version=legacy'] : []),
      '--crate-type',
      'lib',
      '--emit=obj',
      join(CODE_FIXTURES, 'thumb', 'thumb.rs'),
      '-o',
      out,
    ],
    undefined,
    BOOTSTRAP,
  );
  return out;
}

/** rustfilt over one name per line (the demangling oracle). */
export function rustfilt(names: string[], keepHash = false): string[] {
  const out = run('rustfilt', keepHash ? ['-h'] : [], `${names.join('\n')}\n`);
  return out.split('\n').slice(0, names.length);
}

export interface NmSymbol {
  value: number;
  size: number;
  type: string;
  name: string;
  /** Archive member, for `nm` over a `.a`. */
  member: string;
}

/** `nm -S` output: defined symbols with a size (the 4-column lines), grouped per archive member. */
export function nmSized(file: string): NmSymbol[] {
  const out: NmSymbol[] = [];
  let member = '';
  // --target skips binutils' LTO plugin, which chokes on std members' embedded LLVM 22 bitcode.
  for (const line of run('nm', ['--target=elf64-x86-64', '-S', file]).split('\n')) {
    const header = /^(.*):$/.exec(line);
    if (header) {
      member = header[1]!;
      continue;
    }
    const m = /^([0-9a-f]+) ([0-9a-f]+) (\S) (.*)$/.exec(line);
    if (m)
      out.push({
        value: Number.parseInt(m[1]!, 16),
        size: Number.parseInt(m[2]!, 16),
        type: m[3]!,
        name: m[4]!,
        member,
      });
  }
  return out;
}

/**
 * `llvm-readobj --stack-sizes`: frame bytes by raw symbol name, the independent reading of `.stack_sizes`
 * (it resolves relocations in objects itself). An entry naming several aliases gives each the same size.
 */
export function readobjStackSizes(file: string): Map<string, number> {
  const out = new Map<string, number>();
  let names: string[] = [];
  for (const line of run('llvm-readobj', ['--stack-sizes', file]).split('\n')) {
    const f = /^\s*Functions: \[(.*)\]$/.exec(line);
    if (f) names = f[1]!.split(', ');
    const s = /^\s*Size: 0x([0-9A-Fa-f]+)$/.exec(line);
    if (s) {
      for (const n of names) out.set(n, Math.max(out.get(n) ?? 0, Number.parseInt(s[1]!, 16)));
      names = [];
    }
  }
  return out;
}

/** test/fixtures/code/stackframes (a future that awaits a 16 KB future) built with `-Zemit-stack-sizes`. */
export function buildStackframes(profile: 'dev' | 'release'): string {
  const targetDir = join(TARGET, `stackframes-${profile}`);
  const { CARGO_ENCODED_RUSTFLAGS: _ignored, ...env } = process.env;
  execFileSync(
    'cargo',
    ['+stable', 'build', '--quiet', '--offline', '--profile', profile, '--target-dir', targetDir],
    {
      cwd: join(CODE_FIXTURES, 'stackframes'),
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...env,
        ...BOOTSTRAP,
        CARGO_INCREMENTAL: '0',
        RUSTFLAGS: '-Zemit-stack-sizes -Csymbol-mangling-version=v0',
      },
    },
  );
  return join(targetDir, profile === 'dev' ? 'debug' : 'release', 'stackframes');
}
