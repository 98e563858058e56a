// The RUSTC_WRAPPER executable cargo runs: a small shell script, written into the analysis target dir, that
// files each crate's type sizes itself and execs node on the wrapper (src/cargo/rustc-wrapper.ts, bundled
// to dist/rustc-wrapper.js) only for what the shell cannot parse.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../atomic-file.ts';
import { OUT_DIR_ENV } from './rustc-wrapper.ts';

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

/** cargo needs one executable for RUSTC_WRAPPER: a shell script (see the comment inside). */
export function writeShim(dir: string): string {
  mkdirSync(dir, { recursive: true });
  let command = wrapperCommand();
  const script = command[1]!;
  if (script.endsWith('.js')) {
    // A private copy: a rebuild of dist/ (which deletes it) during a long build must not break the wrapper.
    const copy = join(dir, 'rustc-wrapper.mjs');
    writeFileAtomic(copy, readFileSync(script), { mode: 0o644 });
    command = [command[0]!, copy];
  }
  // Node's start-up (~80 ms of CPU per run here) was most of the analysis build's overhead: on the tokio
  // app, running node for every crate took the build from 1.0x to 1.5x of a plain one. So the shell does
  // the filing itself, as rustc-wrapper.ts does it (same file names, same atomic temp file + rename, the
  // same warning when the file cannot be written, the same -Zdump-mir flags for what it captures), and node
  // runs only where the shell cannot see the arguments: an `@argfile` of a crate whose capture will be
  // read. Captured are crates whose manifest dir is listed in ASYNCBLOAT_CAPTURE_DIRS (the workspace
  // members), or every crate with ASYNCBLOAT_CAPTURE=all (`--deps`); never build scripts. Queries without --crate-name (`rustc -vV`) exec rustc directly. Other
  // compilations run rustc with only their type-size lines dropped from stdout, the rest kept. A failed
  // compilation's stdout is passed on whole, as if there were no wrapper.
  const node = command.map(shQuote).join(' ');
  const shim = join(dir, 'rustc-wrapper.sh');
  const text = [
    '#!/bin/sh',
    '# Written by asyncbloat: the RUSTC_WRAPPER of its analysis build (see src/cargo/shim.ts).',
    'case " $* " in *" --crate-name "* | *" --crate-name="* | *" @"*) ;; *) exec "$@" ;; esac',
    'capture=',
    'case "$CARGO_CRATE_NAME" in build_script_*) ;; *)',
    `  [ "$${CAPTURE_ENV}" = all ] && capture=1`,
    `  case ":$${CAPTURE_DIRS_ENV}:" in *":$CARGO_MANIFEST_DIR:"*) capture=1 ;; esac ;;`,
    'esac',
    `case " $* " in *" @"*) [ -n "$capture" ] && exec ${node} "$@" ;; esac`,
    // <crate-name><extra-filename>: the stem cargo gives the unit's .rlib and .mir (captureStem in TS).
    // Template literals only so that the shell's `${a#prefix}` can be written as `\${...}`.
    'crate= extra= prev= spans=',
    'for a in "$@"; do',
    '  case "$prev" in',
    '    --crate-name) crate=$a ;;',
    `    -C | --codegen) case "$a" in extra-filename=*) extra=\${a#extra-filename=} ;; esac ;;`,
    '  esac',
    '  case "$a" in',
    `    --crate-name=*) crate=\${a#--crate-name=} ;;`,
    `    -Cextra-filename=*) extra=\${a#-Cextra-filename=} ;;`,
    `    --codegen=extra-filename=*) extra=\${a#--codegen=extra-filename=} ;;`,
    '    --print | --print=* | -vV | --version) capture= ;;',
    '    *mir-include-spans*) spans=1 ;;',
    '  esac',
    '  prev=$a',
    'done',
    '[ "$crate" = ___ ] && capture=',
    // As rustc-wrapper.ts's withMirDump: the crates we analyse get their MIR dumped per body into a dir of
    // their unit, emptied first, with `// scope N at file:l:c` comments (the only place rustc says on which
    // line each `.await` suspends).
    'if [ -n "$capture" ] && [ -n "$crate" ]; then',
    `  mirdir="$${OUT_DIR_ENV}/mir/$crate$extra"; rm -rf "$mirdir"`,
    '  if mkdir -p "$mirdir" 2>/dev/null; then',
    '    set -- "$@" -Zdump-mir=runtime-optimized "-Zdump-mir-dir=$mirdir"',
    '    [ -z "$spans" ] && set -- "$@" -Zmir-include-spans=on',
    '  else',
    '    echo "warning: asyncbloat rustc wrapper: cannot dump MIR for $crate$extra in $mirdir; the crate is built without it" >&2',
    '  fi',
    'fi',
    'out=$(mktemp) || exec "$@"',
    '"$@" >"$out"; rc=$?',
    'if [ -n "$capture" ] && [ $rc -eq 0 ] && [ -n "$crate" ]; then',
    `  sizes="$${OUT_DIR_ENV}/type-sizes"; final="$sizes/$crate$extra.txt"; tmp="$final.$$.tmp"`,
    '  if mkdir -p "$sizes" 2>/dev/null && { : >"$tmp"; } 2>/dev/null; then',
    '    grep "^print-type-size " "$out" >>"$tmp"; mv -f "$tmp" "$final"',
    '    grep -v "^print-type-size " "$out"',
    '  else',
    `    echo "warning: asyncbloat rustc wrapper: cannot store captured type sizes for $crate$extra in $${OUT_DIR_ENV}; printing them instead" >&2`,
    '    cat "$out"',
    '  fi',
    'elif [ -n "$capture" ]; then cat "$out"',
    'else grep -v "^print-type-size " "$out"',
    'fi',
    'rm -f "$out"; exit $rc',
    '',
  ].join('\n');
  // Concurrent analyses of one workspace may write the same files: replaced whole, never half-written.
  writeFileAtomic(shim, text, { mode: 0o755 });
  return shim;
}
