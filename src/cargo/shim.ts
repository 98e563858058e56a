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
  // Node's start-up is most of the wrapper's cost, so invocations with nothing to capture skip it:
  // queries without --crate-name (`rustc -vV`; an `@argfile` may hold one) and build scripts, whose type
  // sizes nobody reads (cargo sets CARGO_CRATE_NAME=build_script_build for them; a quarter of tokio's
  // rustc runs): for those the shim drops the type-size lines itself, as they would otherwise reach
  // cargo's stdout.
  const shim = join(dir, 'rustc-wrapper.sh');
  const text = [
    '#!/bin/sh',
    '# Written by asyncbloat: the RUSTC_WRAPPER of its analysis build (see src/cargo/rustc-wrapper.ts).',
    'case " $* " in *" --crate-name "* | *" @"*) ;; *) exec "$@" ;; esac',
    '# Build scripts are never analysed: their type-size lines are dropped here, other stdout kept.',
    'case "$CARGO_CRATE_NAME" in build_script_*)',
    '  out=$(mktemp) || exec "$@"',
    '  "$@" >"$out"; rc=$?',
    '  grep -v "^print-type-size " "$out"; rm -f "$out"; exit $rc ;;',
    'esac',
    `exec ${command.map(shQuote).join(' ')} "$@"`,
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
