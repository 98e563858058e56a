// `scan`: the async inventory and rule findings of a file, directory, crate or workspace, from source only.
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { UserError } from '../errors.ts';
import type { AsyncItem } from '../model/async-item.ts';
import type { Finding, RuleLevel } from '../model/finding.ts';
import { SCHEMA_VERSION, type ScanReport, type SkippedFile } from '../model/report.ts';
import { dependencyNames, type Edition, editionOf } from '../readers/cargo-edition.ts';
import { modulePathOf } from '../readers/rust-source/module-path.ts';
import { RULES } from '../rules/index.ts';
import { VERSION } from '../version.ts';
import type { FileResult } from './analyze-file.ts';
import { ScanCache } from './cache.ts';
import { createPool, defaultThreads, inProcessPool } from './pool.ts';
import { crateDirOf, listRustFiles, type SourceFile } from './walk.ts';

export interface ScanOptions {
  /** Run only these rules (ids). Default: all. */
  rules?: readonly string[];
  /** Rules not to run (ids). */
  disable?: readonly string[];
  /** Severity per rule id, overriding the rule's default level (`off` drops its findings). */
  levels?: Readonly<Record<string, RuleLevel>>;
  /** Per-file result cache; default on. */
  cache?: boolean;
  /** Where the cache lives; default `$XDG_CACHE_HOME/asyncbloat/scan-cache` (or ~/.cache). */
  cacheDir?: string;
  /** Worker threads for parsing; default: one per core. 0 parses in this thread. */
  threads?: number;
  /**
   * Files larger than this many bytes are skipped and listed (default DEFAULT_MAX_FILE_BYTES): generated
   * sources (bindgen, PACs) reach 50 MB, which tree-sitter cannot parse within its limits.
   */
  maxFileBytes?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Below this much text to parse, starting workers costs more than it saves. */
const WORKER_THRESHOLD_BYTES = 512 * 1024;
const READ_CONCURRENCY = 32;
// Drops a leading byte-order mark, as rustc does: every offset and column counts from after it, like rustc's
// spans. (src/fix relies on this when it maps edits back onto the file's bytes.)
const utf8 = new TextDecoder('utf-8');

export async function scan(path: string, options: ScanOptions = {}): Promise<ScanReport> {
  const enabled = selectRules(options);
  const walk = await listRustFiles(path);
  const cache = options.cache === false ? undefined : ScanCache.open(walk.root, options.cacheDir);

  const skipped: SkippedFile[] = [...walk.skipped];
  const results = new Map<string, FileResult>();
  const misses: {
    rel: string;
    text: string;
    modulePath: string;
    edition: Edition;
    dependencies: readonly string[];
    key: string;
  }[] = [];
  let withoutAsync = 0;
  let readOk = 0;

  await forEachLimited(walk.files, READ_CONCURRENCY, async (f) => {
    let bytes: Buffer;
    try {
      bytes = await readFile(f.abs);
    } catch (e) {
      skipped.push({
        file: f.rel,
        reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
      return;
    }
    const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (bytes.length > limit) {
      skipped.push({
        file: f.rel,
        reason: `too large (${(bytes.length / 1048576).toFixed(1)} MB, over --max-file-size ${(limit / 1048576).toFixed(0)} MB)`,
      });
      return;
    }
    const problem = notText(bytes);
    if (problem) {
      skipped.push({ file: f.rel, reason: problem });
      return;
    }
    readOk++;
    // Only files that can contain async code are decoded and parsed; cache hits are never decoded.
    if (!bytes.includes('async')) {
      withoutAsync++;
      return;
    }
    const modulePath = moduleOf(f);
    const crate = crateDirOf(dirname(f.abs));
    const edition = crate ? editionOf(crate) : '2021';
    const dependencies = crate ? dependencyNames(crate) : [];
    const key = ScanCache.key(f.rel, modulePath, bytes, `${edition}\0${dependencies.join(',')}`);
    const hit = cache?.get(key);
    if (hit) results.set(f.rel, hit);
    else misses.push({ rel: f.rel, text: utf8.decode(bytes), modulePath, edition, dependencies, key });
  });

  const missBytes = misses.reduce((n, m) => n + m.text.length, 0);
  const threads = Math.min(options.threads ?? defaultThreads(), misses.length);
  const pool = missBytes >= WORKER_THRESHOLD_BYTES && threads > 0 ? createPool(threads) : inProcessPool();
  try {
    await Promise.all(
      misses.map(async (m) => {
        const r = await pool.run({
          text: m.text,
          file: m.rel,
          modulePath: m.modulePath,
          edition: m.edition,
          dependencies: m.dependencies,
        });
        results.set(m.rel, r);
        cache?.set(m.key, r);
      }),
    );
  } finally {
    await pool.close();
  }
  cache?.save();

  const items: AsyncItem[] = [];
  const findings: Finding[] = [];
  const filesWithParseErrors: string[] = [];
  for (const rel of [...results.keys()].sort()) {
    const r = results.get(rel)!;
    items.push(...r.items);
    for (const f of r.findings) {
      if (!enabled.has(f.rule)) continue;
      const level = options.levels?.[f.rule];
      if (level === 'off') continue;
      findings.push(level && level !== f.severity ? { ...f, severity: level } : f);
    }
    if (r.parseErrors) filesWithParseErrors.push(rel);
  }
  skipped.sort((a, b) => a.file.localeCompare(b.file));
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'asyncbloat', version: VERSION },
    root: walk.root,
    items,
    findings,
    stats: { filesScanned: readOk, filesWithoutAsync: withoutAsync, filesWithParseErrors, skipped },
  };
}

function selectRules(options: ScanOptions): Set<string> {
  const known = new Set(RULES.map((r) => r.meta.id));
  for (const id of [
    ...(options.rules ?? []),
    ...(options.disable ?? []),
    ...Object.keys(options.levels ?? {}),
  ]) {
    if (!known.has(id)) {
      throw new UserError(`unknown rule '${id}'`, `known rules: ${[...known].join(', ')}`);
    }
  }
  const on = new Set(options.rules && options.rules.length > 0 ? options.rules : known);
  for (const id of options.disable ?? []) on.delete(id);
  return on;
}

/** Why a file is not source text, if it is not: binary (a NUL byte early on, as git decides) or not UTF-8. */
function notText(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8000).includes(0)) return 'binary file (contains NUL bytes)';
  if (!isUtf8(bytes)) return 'not valid UTF-8';
  return undefined;
}

function moduleOf(f: SourceFile): string {
  const crate = crateDirOf(dirname(f.abs));
  if (!crate) return '';
  return modulePathOf(relative(crate, f.abs).split(sep).join('/'));
}

async function forEachLimited<T>(
  list: readonly T[],
  limit: number,
  fn: (x: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, list.length) }, async () => {
    while (next < list.length) await fn(list[next++]!);
  });
  await Promise.all(lanes);
}

export type { ScanReport };
