// Finds cargo and rustc and decides how to get `-Z` flags (-Zprint-type-sizes) out of them.
//
// By default the user's own toolchain is used (whatever `rustc` resolves to in the crate's directory, so
// rust-toolchain.toml applies), with RUSTC_BOOTSTRAP=1 when it is not a nightly; the caller reports that
// once. Reasons: the sizes measured are then the ones the user's real builds get, and nightly breaks
// real crates: proc-macro2 1.0.47 (Debian's, used by tokio-macros 1.7) enables the removed
// `proc_macro_span_shrink` feature when it sees a nightly rustc, and fails with E0635 on 1.97-nightly,
// while stable + RUSTC_BOOTSTRAP=1 builds it. `preferNightly` switches to an installed rustup nightly.
import { execFile } from 'node:child_process';
import { UserError } from '../cli/errors.ts';

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
}

export interface ToolchainOptions {
  /** Base environment (PATH, RUSTC, ...); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Directory the tools run in (rust-toolchain.toml files apply per directory). */
  cwd?: string;
  /** Use a rustup nightly toolchain when one is installed (default false: the user's own toolchain). */
  preferNightly?: boolean;
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

export async function detectToolchain(options: ToolchainOptions = {}): Promise<Toolchain> {
  const env = { ...(options.env ?? process.env) };
  const cwd = options.cwd;
  const cargo = await run('cargo', ['-V'], env, cwd);
  if (cargo.spawnError) throw missing('cargo');
  if (!cargo.ok) throw new UserError(`\`cargo -V\` failed: ${cargo.stderr.trim()}`);

  // Respect a RUSTC override like cargo does; then only that compiler is used.
  const rustc = env.RUSTC || 'rustc';
  const plain = await run(rustc, ['-vV'], env, cwd);
  if (plain.spawnError) throw missing(rustc === 'rustc' ? 'rustc' : `rustc (RUSTC=${rustc})`);
  if (!plain.ok) throw new UserError(`\`${rustc} -vV\` failed: ${plain.stderr.trim()}`);
  const current = parseRustcVersion(plain.stdout);
  const currentChannel = channelOf(current.release);
  if (currentChannel === 'nightly' || currentChannel === 'dev') {
    return { ...current, channel: currentChannel, bootstrap: false, env: {} };
  }

  if (options.preferNightly && !env.RUSTC) {
    // Only rustup's proxies understand RUSTUP_TOOLCHAIN; a plain rustc would ignore it and report itself
    // again, which the channel check below catches.
    const nightlyEnv = { ...env, RUSTUP_TOOLCHAIN: 'nightly' };
    const nightly = await run('rustc', ['-vV'], nightlyEnv, cwd);
    if (nightly.ok) {
      const parsed = parseRustcVersion(nightly.stdout);
      if (channelOf(parsed.release) === 'nightly') {
        return { ...parsed, channel: 'nightly', bootstrap: false, env: { RUSTUP_TOOLCHAIN: 'nightly' } };
      }
    }
  }
  return { ...current, channel: currentChannel, bootstrap: true, env: { RUSTC_BOOTSTRAP: '1' } };
}
