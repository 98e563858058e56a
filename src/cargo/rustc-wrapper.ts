// The RUSTC_WRAPPER asyncbloat's build runs under (bundled to dist/rustc-wrapper.js, started through the
// shell shim that shim.ts writes). cargo calls it as `wrapper <rustc> <args...>`.
//
// rustc prints -Zprint-type-sizes on stdout with no crate name, and cargo forwards the stdout of all its
// parallel rustc processes line by line into one stream. So for every crate compilation this wrapper files
// the `print-type-size` lines under `$ASYNCBLOAT_OUT_DIR/type-sizes/<crate-name><extra-filename>.txt`,
// the same `<crate>-<hash>` stem cargo gives the crate's .rlib and .mir, which lets build.ts join them.
// Everything else is untouched: the same arguments (our flags come through CARGO_ENCODED_RUSTFLAGS), stdin,
// stderr, the other stdout lines and the exit code. Queries such as `rustc -vV` or cargo's
// `--crate-name ___ --print=...` probe are passed through whole.
//
// A failure to capture must never hide rustc's output: if the capture file cannot be written, the lines
// go to stdout as if there were no wrapper, and a warning names the problem.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const OUT_DIR_ENV = 'ASYNCBLOAT_OUT_DIR';
const PREFIX = 'print-type-size ';

/** Value of `--flag value` or `--flag=value` (and `-C key=value` for `-C`). */
export function argValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === flag) return args[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

/** Value of a codegen option, given as `-C key=v`, `-Ckey=v` or `--codegen key=v`; the last one wins. */
export function codegenOption(args: readonly string[], key: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    let opt: string | undefined;
    if (a === '-C' || a === '--codegen') opt = args[i + 1];
    else if (a.startsWith('-C')) opt = a.slice(2);
    else if (a.startsWith('--codegen=')) opt = a.slice('--codegen='.length);
    if (opt?.startsWith(`${key}=`)) found = opt.slice(key.length + 1);
  }
  return found;
}

/**
 * The file stem for a rustc invocation's captured type sizes, or undefined when the invocation does not
 * compile a crate (version queries, `--print`, cargo's `___` probe).
 */
export function captureStem(args: readonly string[]): string | undefined {
  const crate = argValue(args, '--crate-name');
  if (!crate || crate === '___') return undefined;
  if (args.some((a) => a === '--print' || a.startsWith('--print=') || a === '-vV' || a === '--version')) {
    return undefined;
  }
  return crate + (codegenOption(args, 'extra-filename') ?? '');
}

/**
 * cargo moves the arguments into an `@file` (one per line) when the command line is too long; rustc reads
 * it, so the wrapper must read it too to see --crate-name. Unreadable argfiles are left for rustc to report.
 */
export function expandArgfiles(args: readonly string[]): string[] {
  return args.flatMap((a) => {
    if (!a.startsWith('@')) return [a];
    try {
      return readFileSync(a.slice(1), 'utf8').split('\n').filter(Boolean);
    } catch {
      return [a];
    }
  });
}

function warn(message: string): void {
  process.stderr.write(`warning: asyncbloat rustc wrapper: ${message}\n`);
}

/** Exits like the child did: same code, or the same signal re-raised. */
function exitLike(code: number | null, signal: NodeJS.Signals | null): void {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
}

/**
 * cargo hands rustc its jobserver as inherited pipe fds named in CARGO_MAKEFLAGS
 * (`--jobserver-auth=3,4`); node passes only stdio on by default, so those fds are passed on explicitly.
 */
export function jobserverFds(env: NodeJS.ProcessEnv): number[] {
  const flags = env.CARGO_MAKEFLAGS ?? env.MAKEFLAGS ?? '';
  const m = /--jobserver-(?:auth|fds)=(\d+),(\d+)/.exec(flags);
  return m ? [Number(m[1]), Number(m[2])] : [];
}

function stdioFor(stdout: 'inherit' | 'pipe'): ('inherit' | 'pipe' | 'ignore' | number)[] {
  const stdio: ('inherit' | 'pipe' | 'ignore' | number)[] = ['inherit', stdout, 'inherit'];
  for (const fd of jobserverFds(process.env)) {
    if (fd < 3 || fd > 1000) continue;
    while (stdio.length < fd) stdio.push('ignore');
    stdio[fd] = fd;
  }
  return stdio;
}

function runPlain(rustc: string, args: string[]): void {
  const child = spawn(rustc, args, { stdio: stdioFor('inherit') });
  child.on('error', (e) => {
    process.stderr.write(`error: could not execute ${rustc}: ${e.message}\n`);
    process.exit(127);
  });
  child.on('close', exitLike);
}

/**
 * Stores one compilation's type-size lines atomically (temp file + rename), so a capture file is either
 * complete or absent. Returns false (after a warning) when it cannot be written.
 */
function store(dir: string, stem: string, text: string): boolean {
  try {
    const folder = join(dir, 'type-sizes');
    mkdirSync(folder, { recursive: true });
    const final = join(folder, `${stem}.txt`);
    const tmp = `${final}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, final);
    return true;
  } catch (e) {
    warn(
      `cannot store captured type sizes for ${stem} in ${dir}: ${(e as Error).message}; printing them instead`,
    );
    return false;
  }
}

function runCapturing(rustc: string, args: string[], dir: string, stem: string): void {
  const child = spawn(rustc, args, { stdio: stdioFor('pipe') });
  child.on('error', (e) => {
    process.stderr.write(`error: could not execute ${rustc}: ${e.message}\n`);
    process.exit(127);
  });
  // Kept in memory (a large crate prints well under 1 MB) so nothing is lost if the file cannot be written.
  const captured: string[] = [];
  let pending = '';
  const route = (text: string) => {
    const lines = text.split('\n');
    pending = lines.pop()!;
    let through = '';
    for (const line of lines) {
      if (line.startsWith(PREFIX)) captured.push(line);
      else through += `${line}\n`;
    }
    if (through) process.stdout.write(through);
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => route(pending + chunk));
  child.on('close', (code, signal) => {
    if (pending) route(`${pending}\n`);
    const text = captured.length > 0 ? `${captured.join('\n')}\n` : '';
    // Only a successful compilation leaves a capture (a failed one is compiled again next time); otherwise
    // the lines go where they would have gone without the wrapper.
    if (code === 0 && store(dir, stem, text)) exitLike(code, signal);
    else process.stdout.write(text, () => exitLike(code, signal));
  });
}

/**
 * Where a captured unit's MIR goes: `-Zdump-mir=runtime-optimized` writes one file per body there (the same
 * bodies `--emit=mir` prints, without changing codegen as `--emit=mir` does). The shell shim uses the same
 * layout.
 */
export function mirDumpDir(captureDir: string, stem: string): string {
  return join(captureDir, 'mir', stem);
}

/** The dump files of one unit, in a stable order; none when the directory is missing. */
export function mirDumpFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.mir'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/**
 * For the crates we analyse: their MIR dumped per body, with `// scope N at file:l:c` span comments (the
 * only place rustc says on which source line each `.await` suspends). The unit's dump dir is emptied
 * first, so a body that no longer exists leaves no file behind. Dependencies that are not analysed go
 * without: the dump costs build time and disk.
 */
export function withMirDump(args: readonly string[], captureDir: string, stem: string): string[] {
  const dir = mirDumpDir(captureDir, stem);
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    // rustc would fail on a dump dir it cannot write: build the crate as it is, without its MIR.
    warn(`cannot dump MIR for ${stem} in ${dir}: ${(e as Error).message}; the crate is built without it`);
    return [...args];
  }
  const out = [...args, '-Zdump-mir=runtime-optimized', `-Zdump-mir-dir=${dir}`];
  return args.some((a) => a.includes('mir-include-spans')) ? out : [...out, '-Zmir-include-spans=on'];
}

export function main(argv: string[]): void {
  const [rustc, ...args] = argv;
  if (!rustc) {
    process.stderr.write('usage: rustc-wrapper <rustc> <args...> (run by cargo as RUSTC_WRAPPER)\n');
    process.exit(2);
  }
  const dir = process.env[OUT_DIR_ENV];
  const stem = dir ? captureStem(expandArgfiles(args)) : undefined;
  if (dir && stem) runCapturing(rustc, withMirDump(args, dir, stem), dir, stem);
  else runPlain(rustc, args);
}

// Run only when executed as the wrapper (the bundle or the .ts file), not when imported by build.ts/tests.
const self = process.argv[1] ?? '';
if (/rustc-wrapper\.(m?js|ts)$/.test(self)) main(process.argv.slice(2));
