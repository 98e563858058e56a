// Compiles a fixture with the real rustc and returns its MIR and -Zprint-type-sizes text, for tests that
// check readers against the compiler. Results are cached per process, so the tests of one file share one
// compilation per configuration.
//
//   const { mir, typeSizes } = compileFixture({ file: 'test/fixtures/mir/asyncs.rs', toolchain: 'nightly', opt: true });
//
// A single `.rs` file is compiled as a library with rustc directly (no cargo, nothing incremental), from the
// file's own directory, so spans in the output read `asyncs.rs:5:39: 7:2` wherever the repository lives.
// A crate directory is copied to a temp dir and built with `cargo build` and the flags in RUSTFLAGS, so every
// crate of the graph (dependencies included) emits MIR and prints type sizes; CARGO_INCREMENTAL=0, because
// incremental builds print no type sizes. On stable, -Z flags are enabled with RUSTC_BOOTSTRAP=1.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';

export interface CompileOptions {
  /** A single-file library fixture. Exactly one of `file` / `crateDir`. */
  file?: string;
  /** A cargo package (its `.cargo/config.toml` is honoured: see test/fixtures/mir/tokapp for offline builds). */
  crateDir?: string;
  toolchain?: 'stable' | 'nightly';
  /** `-O` (opt-level 3) when true; debug otherwise. */
  opt?: boolean;
  panic?: 'unwind' | 'abort';
  /** Emit MIR (default true). */
  mir?: boolean;
  /** Add `-Zmir-include-spans=on`, which puts `// scope N at file:l:c: l:c` on every MIR statement. */
  mirSpans?: boolean;
  /** Capture -Zprint-type-sizes (default true). */
  printTypeSizes?: boolean;
  edition?: string;
}

export interface CompileOutput {
  /** `--emit=mir` text ('' when not requested). */
  mir: string;
  /** rustc's stdout: the -Zprint-type-sizes lines ('' when not requested). */
  typeSizes: string;
  /** rustc's stderr (warnings). */
  stderr: string;
  /** The exact rustc version line, e.g. `rustc 1.95.0 (59807616e 2026-04-14)`. */
  version: string;
  /**
   * For crate builds: the MIR of every crate compiled (dependencies, build scripts and their probes too),
   * path relative to the build's temp dir (`target/debug/deps/tokio-<hash>.mir`). `mir` is the root crate's.
   */
  mirFiles?: { path: string; text: string }[];
}

const cache = new Map<string, CompileOutput>();

/** Compiles (or returns the cached result); throws with rustc's stderr when compilation fails. */
export function compileFixture(options: CompileOptions): CompileOutput {
  const key = JSON.stringify(options);
  const hit = cache.get(key);
  if (hit) return hit;
  const out = options.crateDir ? compileCrate(options) : compileFile(options);
  cache.set(key, out);
  return out;
}

export function rustcVersion(toolchain: 'stable' | 'nightly'): string {
  const r = spawnSync('rustc', [`+${toolchain}`, '--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`rustc +${toolchain} --version failed: ${r.stderr}`);
  return r.stdout.trim();
}

function rustcFlags(o: CompileOptions): string[] {
  const flags: string[] = [];
  if (o.opt) flags.push('-O');
  if (o.panic === 'abort') flags.push('-C', 'panic=abort');
  if (o.mirSpans) flags.push('-Zmir-include-spans=on');
  if (o.printTypeSizes !== false) flags.push('-Zprint-type-sizes');
  return flags;
}

function env(): NodeJS.ProcessEnv {
  // RUSTC_BOOTSTRAP lets stable accept -Z; nightly ignores it.
  return { ...process.env, RUSTC_BOOTSTRAP: '1', CARGO_INCREMENTAL: '0' };
}

function compileFile(o: CompileOptions): CompileOutput {
  if (!o.file) throw new Error('compileFixture: give file or crateDir');
  const toolchain = o.toolchain ?? 'stable';
  const file = resolve(o.file);
  const outDir = mkdtempSync(join(tmpdir(), 'asyncbloat-rustc-'));
  try {
    // `link`, not `metadata`: a metadata-only build prints no layouts for generic instantiations.
    const emit = o.mir === false ? 'link' : 'mir,link';
    const args = [
      `+${toolchain}`,
      '--edition',
      o.edition ?? '2021',
      '--crate-type',
      'lib',
      `--emit=${emit}`,
      '--out-dir',
      outDir,
      ...rustcFlags(o),
      basename(file),
    ];
    const r = spawnSync('rustc', args, {
      cwd: dirname(file),
      env: env(),
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    if (r.status !== 0) throw new Error(`rustc ${args.join(' ')} failed:\n${r.stderr}`);
    const mirFile = readdirSync(outDir).find((f) => f.endsWith('.mir'));
    return {
      mir: mirFile ? readFileSync(join(outDir, mirFile), 'utf8') : '',
      typeSizes: o.printTypeSizes === false ? '' : r.stdout,
      stderr: r.stderr,
      version: rustcVersion(toolchain),
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function compileCrate(o: CompileOptions): CompileOutput {
  const toolchain = o.toolchain ?? 'stable';
  const src = resolve(o.crateDir!);
  // Built from a copy, so Cargo.lock and target/ never land in the repository.
  const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-cargo-'));
  try {
    const dir = join(tmp, 'crate');
    cpSync(src, dir, { recursive: true });
    const rustflags = [...(o.mir === false ? [] : ['--emit=mir,link']), ...rustcFlags(o)];
    const args = [`+${toolchain}`, 'build', '--quiet', ...(o.opt ? ['--release'] : [])];
    const r = spawnSync('cargo', args, {
      cwd: dir,
      env: { ...env(), CARGO_TARGET_DIR: join(tmp, 'target'), RUSTFLAGS: rustflags.join(' ') },
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    if (r.status !== 0) throw new Error(`cargo ${args.join(' ')} in ${src} failed:\n${r.stderr}`);
    const profileDir = join(tmp, 'target', o.opt ? 'release' : 'debug');
    const mirFiles = readdirSync(profileDir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.mir'))
      .map((e) => join(e.parentPath, e.name))
      .sort()
      .map((path) => ({ path: relative(tmp, path), text: readFileSync(path, 'utf8') }));
    const crateName = /^name\s*=\s*"([^"]+)"/m.exec(readFileSync(join(dir, 'Cargo.toml'), 'utf8'))?.[1] ?? '';
    const root = mirFiles.find((f) => basename(f.path).startsWith(`${crateName.replaceAll('-', '_')}-`));
    return {
      mir: root?.text ?? '',
      typeSizes: o.printTypeSizes === false ? '' : r.stdout,
      stderr: r.stderr,
      version: rustcVersion(toolchain),
      mirFiles,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
