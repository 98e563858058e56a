// Which crates a survey covers: the package directories under DIR (e.g. Debian's
// /usr/share/cargo/registry) or listed one per line in a file, those with async code, in a fixed order, so
// that `--shard K/N` splits the same list the same way on every machine of a CI matrix.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { UserError } from '../errors.ts';
import { compareText } from '../text-order.ts';

export interface SurveyCrate {
  name: string;
  version: string;
  /** Absolute package directory (where its Cargo.toml is). */
  dir: string;
  /** It has a library target: surveyed through a wrapper package that depends on it. */
  lib: boolean;
  /** The features its manifest declares, for --all-features. */
  features: string[];
}

export interface SurveyInputs {
  crates: SurveyCrate[];
  /** Package directories left out, with why (no async code, unreadable manifest, ...). */
  skipped: { dir: string; reason: string }[];
}

/** `DIR` (its package subdirectories, or DIR itself when it is a package) or a file listing package paths. */
export function listCrates(input: string): SurveyInputs {
  if (!existsSync(input))
    throw new UserError(
      `'${input}' does not exist`,
      'pass a directory of crates or a file listing crate paths',
    );
  const dirs = statSync(input).isDirectory()
    ? existsSync(join(input, 'Cargo.toml'))
      ? [resolve(input)]
      : readdirSync(input, { withFileTypes: true })
          .filter((e) => e.isDirectory() && existsSync(join(input, e.name, 'Cargo.toml')))
          .map((e) => resolve(input, e.name))
    : readFileSync(input, 'utf8')
        .split('\n')
        .map((l) => l.replace(/#.*/, '').trim())
        .filter(Boolean)
        .map((l) => resolve(dirname(input), l.replace(/[/\\]Cargo\.toml$/, '')));
  const crates: SurveyCrate[] = [];
  const skipped: SurveyInputs['skipped'] = [];
  for (const dir of dirs) {
    const manifest = join(dir, 'Cargo.toml');
    let pkg: { name?: unknown; version?: unknown } | undefined;
    let lib = false;
    let features: string[] = [];
    try {
      const toml = parse(readFileSync(manifest, 'utf8')) as {
        package?: typeof pkg;
        lib?: unknown;
        features?: Record<string, unknown>;
      };
      pkg = toml.package;
      features = Object.keys(toml.features ?? {});
      lib = toml.lib !== undefined || existsSync(join(dir, 'src', 'lib.rs'));
    } catch (e) {
      skipped.push({ dir, reason: `cannot read Cargo.toml: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    if (typeof pkg?.name !== 'string') {
      skipped.push({ dir, reason: 'no [package] (a virtual workspace manifest: list its members instead)' });
      continue;
    }
    if (!hasAsyncCode(join(dir, 'src'))) {
      skipped.push({ dir, reason: 'no `async` in src/' });
      continue;
    }
    crates.push({
      name: pkg.name,
      version: typeof pkg.version === 'string' ? pkg.version : '0.0.0',
      dir,
      lib,
      features,
    });
  }
  crates.sort(
    (a, b) => compareText(a.name, b.name) || compareText(a.version, b.version) || compareText(a.dir, b.dir),
  );
  return { crates, skipped };
}

/** Whether any `.rs` file under `dir` holds the word `async` (the same prefilter `scan` uses). */
function hasAsyncCode(dir: string): boolean {
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.rs') && /\basync\b/.test(readFileSync(p, 'utf8'))) return true;
    }
  }
  return false;
}

/** `--shard K/N`: K from 1 to N. */
export function parseShard(value: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || k < 1 || k > n)
    throw new UserError(`invalid --shard '${value}'`, 'expected K/N with 1 <= K <= N, e.g. --shard 2/4');
  return { k, n };
}

/** Shard K of N: every N-th crate of the sorted list from the K-th on, so shards differ by at most one. */
export function shardOf<T>(list: T[], shard: { k: number; n: number }): T[] {
  return list.filter((_, i) => i % shard.n === shard.k - 1);
}
