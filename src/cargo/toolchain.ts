// Finds cargo and rustc and decides which compiler builds the crate for analysis, and how it accepts the
// `-Z` flags (-Zprint-type-sizes) analysis needs.
//
// The plan, best first (a build that fails with one toolchain is retried with the next, see build.ts):
// * A toolchain the user or project chose is used as it is: `RUSTC`, `cargo +toolchain` / RUSTUP_TOOLCHAIN,
//   or a rust-toolchain(.toml) file, as every cargo tool honours them. On stable it gets RUSTC_BOOTSTRAP=1.
// * Otherwise an installed rustup nightly (`-Z` flags are a nightly feature), then the default toolchain
//   with RUSTC_BOOTSTRAP=1 as the fallback: nightly breaks real crates. proc-macro2 1.0.47 (Debian's, used
//   by tokio-macros 1.7) enables the removed `proc_macro_span_shrink` feature when it sees a nightly rustc
//   and fails with E0635 on 1.97-nightly, while stable + RUSTC_BOOTSTRAP=1 builds it.
// * `--nightly` (choice 'nightly') insists on the nightly; `--no-nightly` ('own') never tries it, so the
//   sizes are exactly those of the user's own builds.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.ts';

export interface Toolchain {
  /** First line of `rustc -vV`, e.g. `rustc 1.97.0-nightly (e50aa6fba 2026-05-19)`. */
  version: string;
  /** `release:` of `rustc -vV`, e.g. `1.97.0-nightly`. */
  release: string;
  /** Host triple (`host:` of `rustc -vV`). */
  host: string;
  channel: 'stable' | 'beta' | 'nightly' | 'dev';
  /** True when -Z flags only work because RUSTC_BOOTSTRAP=1 is set (a stable or beta compiler). */
  bootstrap: boolean;
  /** Variables to add to cargo's environment to select this toolchain. */
  env: Record<string, string>;
  /** Why this compiler, for the notes: "the installed nightly", "pinned by rust-toolchain.toml", ... */
  reason: string;
}

/** `--nightly` / `--no-nightly` / neither. */
export type ToolchainChoice = 'auto' | 'nightly' | 'own';

/** The choice a `--nightly` / `--no-nightly` flag value makes (undefined: neither flag). */
export function toolchainChoice(nightly: boolean | undefined): ToolchainChoice {
  if (nightly === undefined) return 'auto';
  return nightly ? 'nightly' : 'own';
}

export interface ToolchainOptions {
  /** Base environment (PATH, RUSTC, ...); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Directory the tools run in (rust-toolchain.toml files apply per directory). */
  cwd?: string;
  /** Default 'auto': an installed nightly unless a toolchain was chosen, with the own one as fallback. */
  choice?: ToolchainChoice;
}

interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT when it is not on PATH). */
  spawnError?: NodeJS.ErrnoException;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, cwd, encoding: 'utf8' }, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & { code?: unknown }) | null;
      // execFile reports a missing program with a string code; a non-zero exit has a numeric one.
      if (err && typeof err.code === 'string') resolve({ ok: false, stdout, stderr, spawnError: err });
      else resolve({ ok: !err, stdout, stderr });
    });
  });
}

/** Runs a program to completion; never throws (a missing program gives `spawnError`). */
export function runCommand(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunResult> {
  return run(cmd, args, env);
}

/** Parses `rustc -vV` output into its `key: value` lines plus the first line. */
export function parseRustcVersion(text: string): { version: string; release: string; host: string } {
  const lines = text.split('\n');
  const field = (key: string) =>
    lines
      .find((l) => l.startsWith(`${key}: `))
      ?.slice(key.length + 2)
      .trim();
  const release = field('release');
  const host = field('host');
  if (!lines[0]?.startsWith('rustc ') || !release || !host) {
    throw new UserError(
      `could not understand the output of \`rustc -vV\`: ${JSON.stringify(text.slice(0, 200))}`,
      'check that `rustc` on PATH is a working Rust compiler',
    );
  }
  return { version: lines[0].trim(), release, host };
}

function channelOf(release: string): Toolchain['channel'] {
  if (release.includes('-nightly')) return 'nightly';
  if (release.includes('-beta')) return 'beta';
  if (release.includes('-dev')) return 'dev';
  return 'stable';
}

function missing(tool: string): UserError {
  return new UserError(
    `${tool} was not found on PATH; install Rust with rustup (https://rustup.rs) and make sure ~/.cargo/bin is on PATH`,
    'asyncbloat analyze builds your crate with cargo; `cargo --version` and `rustc --version` must work in this shell',
  );
}

/**
 * A toolchain the user or the project selected for this directory, described; undefined when rustup's
 * default applies. rustup marks a default toolchain it passes to cargo subcommands
 * (RUSTUP_TOOLCHAIN_SOURCE=default), so `cargo asyncbloat` still counts as unchosen.
 */
export function chosenToolchain(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (env.RUSTC) return `RUSTC=${env.RUSTC}`;
  if (env.RUSTUP_TOOLCHAIN && env.RUSTUP_TOOLCHAIN_SOURCE !== 'default') {
    return env.RUSTUP_TOOLCHAIN_SOURCE === 'cli'
      ? `+${env.RUSTUP_TOOLCHAIN}`
      : `RUSTUP_TOOLCHAIN=${env.RUSTUP_TOOLCHAIN}`;
  }
  if (env.RUSTUP_TOOLCHAIN) return undefined;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of ['rust-toolchain.toml', 'rust-toolchain']) {
      if (existsSync(join(dir, name))) return `${join(dir, name)}`;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

async function probe(env: NodeJS.ProcessEnv, cwd: string | undefined, rustc: string) {
  const r = await run(rustc, ['-vV'], env, cwd);
  if (r.spawnError) throw missing(rustc === 'rustc' ? 'rustc' : `rustc (RUSTC=${rustc})`);
  if (!r.ok) throw new UserError(`\`${rustc} -vV\` failed: ${r.stderr.trim()}`);
  const parsed = parseRustcVersion(r.stdout);
  return { ...parsed, channel: channelOf(parsed.release) };
}

/** The rustup nightly, when one is installed (only rustup's proxies understand RUSTUP_TOOLCHAIN). */
async function rustupNightly(env: NodeJS.ProcessEnv, cwd: string | undefined, reason: string) {
  const nightlyEnv = { ...env, RUSTUP_TOOLCHAIN: 'nightly' };
  const r = await run('rustc', ['-vV'], nightlyEnv, cwd);
  if (!r.ok) return undefined;
  const parsed = parseRustcVersion(r.stdout);
  // A plain rustc (no rustup) ignores RUSTUP_TOOLCHAIN and reports itself again.
  if (channelOf(parsed.release) !== 'nightly') return undefined;
  const tc: Toolchain = {
    ...parsed,
    channel: 'nightly',
    bootstrap: false,
    env: { RUSTUP_TOOLCHAIN: 'nightly' },
    reason,
  };
  return tc;
}

/** The toolchains to build with, best first: a build that fails with one is retried with the next. */
export async function planToolchains(options: ToolchainOptions = {}): Promise<Toolchain[]> {
  const env = { ...(options.env ?? process.env) };
  const cwd = options.cwd;
  const choice = options.choice ?? 'auto';
  const cargo = await run('cargo', ['-V'], env, cwd);
  if (cargo.spawnError) throw missing('cargo');
  if (!cargo.ok) throw new UserError(`\`cargo -V\` failed: ${cargo.stderr.trim()}`);

  // Respect a RUSTC override like cargo does; then only that compiler is used.
  const rustc = env.RUSTC || 'rustc';
  const current = await probe(env, cwd, rustc);
  const chosen = chosenToolchain(env, cwd ?? process.cwd());
  if (current.channel === 'nightly' || current.channel === 'dev') {
    const reason = chosen ? `selected by ${chosen}` : 'your default toolchain is a nightly';
    return [{ ...current, bootstrap: false, env: {}, reason }];
  }
  const own = (reason: string): Toolchain => ({
    ...current,
    bootstrap: true,
    env: { RUSTC_BOOTSTRAP: '1' },
    reason,
  });
  if (choice === 'own') return [own('--no-nightly')];
  if (choice === 'nightly') {
    if (env.RUSTC) {
      throw new UserError(
        `--nightly cannot be honoured: RUSTC=${env.RUSTC} selects a ${current.channel} compiler`,
        'unset RUSTC, or drop --nightly to build with that compiler and RUSTC_BOOTSTRAP=1',
      );
    }
    const nightly = await rustupNightly(env, cwd, '--nightly');
    if (!nightly) {
      throw new UserError(
        '--nightly was given, but no rustup nightly toolchain is installed',
        'install one with `rustup toolchain install nightly`, or drop --nightly to use RUSTC_BOOTSTRAP=1',
      );
    }
    return [nightly];
  }
  if (chosen) return [own(`selected by ${chosen}; pass --nightly to use the installed nightly instead`)];
  const nightly = await rustupNightly(env, cwd, 'the installed nightly');
  if (!nightly) return [own('no nightly toolchain is installed')];
  return [nightly, own(`fallback after ${nightly.version} failed`)];
}

/** The toolchain a build starts with. */
export async function detectToolchain(options: ToolchainOptions = {}): Promise<Toolchain> {
  return (await planToolchains(options))[0] as Toolchain;
}
