// The RUSTC_WRAPPER executable cargo runs: a tiny shell script that execs node on the wrapper
// (src/cargo/rustc-wrapper.ts, bundled to dist/rustc-wrapper.js), written into the analysis target dir.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The command that runs the wrapper: the bundle next to this module, or the source through tsx in dev. */
export function wrapperCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const dir = dirname(here);
  if (here.endsWith('.js')) return [process.execPath, join(dir, 'rustc-wrapper.js')];
  // Running from src/ (tests, tsx): use the built wrapper unless the source is newer than the build.
  const source = join(dir, 'rustc-wrapper.ts');
  const built = resolve(dir, '../../dist/rustc-wrapper.js');
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(source).mtimeMs) {
    return [process.execPath, built];
  }
  return [process.execPath, '--import', import.meta.resolve('tsx'), source];
}

/** `all`: capture every crate (`--deps`); otherwise only those in CAPTURE_DIRS_ENV. */
export const CAPTURE_ENV = 'ASYNCBLOAT_CAPTURE';
/** Colon-separated manifest dirs whose crates are captured (the workspace members). */
export const CAPTURE_DIRS_ENV = 'ASYNCBLOAT_CAPTURE_DIRS';

const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** cargo needs one executable for RUSTC_WRAPPER: a tiny shell script that execs node on the wrapper. */
export function writeShim(dir: string): string {
  mkdirSync(dir, { recursive: true });
  let command = wrapperCommand();
  const script = command[1]!;
  if (script.endsWith('.js')) {
    // A private copy: a rebuild of dist/ (which deletes it) during a long build must not break the wrapper.
    const copy = join(dir, 'rustc-wrapper.mjs');
    atomicWrite(copy, readFileSync(script));
    command = [command[0]!, copy];
  }
  // Node's start-up (~80 ms of CPU per run here) was most of the analysis build's overhead: on the tokio
  // app, capturing every crate took the build from 1.0x to 1.5x of a plain one. So node runs only where a
  // capture will be read: crates whose manifest dir is listed in ASYNCBLOAT_CAPTURE_DIRS (the workspace
  // members), or every crate with ASYNCBLOAT_CAPTURE=all (`--deps`). Queries without --crate-name
  // (`rustc -vV`; an `@argfile` may hold one) exec rustc directly. Other compilations (dependencies,
  // build scripts) run rustc with only their type-size lines dropped, the rest of their stdout kept.
  const shim = join(dir, 'rustc-wrapper.sh');
  const text = [
    '#!/bin/sh',
    '# Written by asyncbloat: the RUSTC_WRAPPER of its analysis build (see src/cargo/shim.ts).',
    'case " $* " in *" --crate-name "* | *" @"*) ;; *) exec "$@" ;; esac',
    'case "$CARGO_CRATE_NAME" in build_script_*) ;; *)',
    `  [ "$${CAPTURE_ENV}" = all ] && exec ${command.map(shQuote).join(' ')} "$@"`,
    `  case ":$${CAPTURE_DIRS_ENV}:" in *":$CARGO_MANIFEST_DIR:"*) exec ${command.map(shQuote).join(' ')} "$@" ;; esac ;;`,
    'esac',
    'out=$(mktemp) || exec "$@"',
    '"$@" >"$out"; rc=$?',
    'grep -v "^print-type-size " "$out"; rm -f "$out"; exit $rc',
    '',
  ].join('\n');
  atomicWrite(shim, text, 0o755);
  return shim;
}

/** Concurrent analyses of one workspace may write the same files: temp file + rename keeps them whole. */
function atomicWrite(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
