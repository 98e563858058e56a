// `scan`: the async inventory and rule findings of a file, directory, crate or workspace, from source only.
import { isUtf8 } from 'node:buffer';
import { dirname } from 'node:path';
import { errorText, UserError } from '../errors.ts';
import type { AsyncItem } from '../model/async-item.ts';
import type { Finding, RuleLevel } from '../model/finding.ts';
import { SCHEMA_VERSION, type ScanReport, type SkippedFile } from '../model/report.ts';
import { relativeSlashed } from '../paths.ts';
import { dependencyNames, editionOf } from '../readers/cargo-edition.ts';
import { RULES } from '../rules/index.ts';
import { compareText } from '../text-order.ts';
import { VERSION } from '../version.ts';
import type { FileResult } from './analyze-file.ts';
import { ScanCache } from './cache.ts';
import { crateSourcesOf, modulePathIn } from './crate-sources.ts';
import { contentHash, type FileFact, type FileStamp } from './file-facts.ts';
import { defaultThreads, FileFailure, inProcessPool, type JobRequest, type Pool } from './pool.ts';
import { DEFAULT_MAX_FILE_BYTES, SourceReader } from './read-source.ts';
import { crateDirOf, listRustFiles, type SourceFile } from './walk.ts';
import { createPool } from './worker-pool.ts';

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
  /**
   * Report findings in test code too: files under a crate's `tests/` or `benches/`, `#[cfg(test)]` modules
   * and `#[test]`-like fns. Off by default, as `cargo clippy` lints tests only when asked (`--tests`); the
   * findings left out are counted (`stats.findingsInTests`). Items are listed either way.
   */
  tests?: boolean;
  /**
   * Filled with milliseconds per phase when given (the benchmark's breakdown): this thread's `walk`,
   * `read` (and prefilter, cache lookups, starting workers, sending), `wait` for the last result, `assemble`;
   * summed over files, the workers' `decode`, `parse`, `inventory`, `rule:<id>`, `syntax errors`.
   */
  timings?: Record<string, number>;
  /**
   * How long a worker may spend on one file before the file is given up and listed as skipped (default:
   * fileTimeLimitMs, far beyond any real file). Files parsed in this thread cannot be stopped.
   */
  fileTimeLimitMs?: number;
}

export { DEFAULT_MAX_FILE_BYTES };

/** Below this much text to parse, starting workers costs more than it saves. */
const WORKER_THRESHOLD_BYTES = 512 * 1024;
/** A crate's integration tests and benchmarks, relative to the crate directory. */
const TEST_DIR = /^(?:tests|benches)\//;
/** From this many files on, workers start before the files are read (a tree this size has that much text). */
const EARLY_WORKERS_FILES = 200;

export async function scan(path: string, options: ScanOptions = {}): Promise<ScanReport> {
  const enabled = selectRules(options);
  const timings = options.timings;
  let mark = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    if (timings) timings[phase] = (timings[phase] ?? 0) + now - mark;
    mark = now;
  };
  const walk = await listRustFiles(path);
  lap('walk');
  const cache = options.cache === false ? undefined : ScanCache.open(walk.root, options.cacheDir);
  const threads = Math.min(options.threads ?? defaultThreads(), walk.files.length);
  // A large tree gets its workers at its first cache miss, so they load tree-sitter while the rest is read,
  // and each file is sent to them as soon as it is read; a warm scan starts none. A small tree decides after
  // reading, by how much text missed the cache.
  const early = threads > 0 && walk.files.length >= EARLY_WORKERS_FILES;
  const limitMs = options.fileTimeLimitMs;
  const poolOptions = limitMs === undefined ? {} : { timeLimitMs: () => limitMs };
  let pool: Pool | undefined;

  const skipped: SkippedFile[] = [...walk.skipped];
  const results = new Map<string, FileResult>();
  const misses: (JobRequest & { key: string })[] = [];
  const running: Promise<void>[] = [];
  /** The first error of a job other than a FileFailure (a bug): thrown once every job has settled. */
  let failure: { error: unknown } | undefined;
  const run = (p: Pool, { key, ...job }: JobRequest & { key: string }) =>
    p.run(timings ? { ...job, profile: true } : job).then(
      (r) => {
        if (r.timings) {
          for (const [phase, ms] of Object.entries(r.timings)) timings![phase] = (timings![phase] ?? 0) + ms;
          delete r.timings;
        }
        results.set(job.file, r);
        cache?.set(key, r);
      },
      (e) => {
        // Kept until every job has settled (and thrown then): the loop below awaits the pool as it goes, so
        // a rejection here must not be left without a handler meanwhile.
        if (!(e instanceof FileFailure)) {
          failure ??= { error: e };
          return;
        }
        // One file that cannot be analysed is listed, not the end of the run.
        analysed--;
        skipped.push({ file: e.file, reason: e.reason });
      },
    );
  /** Files of a crate's integration tests and benches: test code (ScanOptions.tests). */
  const testFiles = new Set<string>();
  let withoutAsync = 0;
  /** Files read and analysed (or about to be): read and not skipped. */
  let analysed = 0;
  let missBytes = 0;
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const reader = new SourceReader();
  /** The file's bytes, or undefined once it is listed as skipped (unreadable, or over the size limit). */
  const readOrSkip = (f: SourceFile): Buffer | undefined => {
    // Synchronous reads into one buffer: this thread has nothing else to do meanwhile, and one read costs
    // a fraction of the four thread-pool round trips (stat, open, read, close) of fs.promises.readFile.
    let read: ReturnType<SourceReader['read']>;
    try {
      read = reader.read(f.abs, limit);
    } catch (e) {
      skipped.push({ file: f.rel, reason: cannotRead(e) });
      return undefined;
    }
    if ('tooLarge' in read) {
      skipped.push({ file: f.rel, reason: tooLarge(read.tooLarge, limit) });
      return undefined;
    }
    return read.bytes;
  };
  const facts = cache?.facts;
  const sourcesOf = crateSourcesOf(walk.files, limit, facts);

  try {
    for (const f of walk.files) {
      // What is known of the file from an earlier scan, by its stat: a warm scan reads only what changed.
      let stat: FileStamp | undefined;
      if (facts) {
        try {
          stat = facts.stat(f.abs);
        } catch (e) {
          skipped.push({ file: f.rel, reason: cannotRead(e) });
          continue;
        }
        if (stat.size > limit) {
          skipped.push({ file: f.rel, reason: tooLarge(stat.size, limit) });
          continue;
        }
      }
      let fact = stat && facts?.get(f.abs, stat);
      let bytes: Buffer | undefined;
      if (fact?.problem === undefined && fact?.hasAsync === undefined) {
        bytes = readOrSkip(f);
        if (!bytes) continue;
        fact = factOf(bytes);
        if (stat) facts?.set(f.abs, stat, fact);
      }
      if (fact.problem) {
        skipped.push({ file: f.rel, reason: fact.problem });
        continue;
      }
      analysed++;
      // Only files that can contain async code are decoded and parsed; cache hits are never decoded.
      if (!fact.hasAsync) {
        withoutAsync++;
        continue;
      }
      const crate = crateDirOf(dirname(f.abs));
      const inCrate = crate ? relativeSlashed(crate, f.abs) : undefined;
      const sources = crate ? sourcesOf(crate) : undefined;
      const modulePath = inCrate !== undefined ? modulePathIn(sources, f.abs, inCrate) : '';
      // A module file named `tests` (`#[cfg(test)] mod tests;` in its parent: tokio's runtime/tests/) is
      // test code by that convention; the attribute is in another file.
      if ((inCrate !== undefined && TEST_DIR.test(inCrate)) || modulePath.split('::').includes('tests'))
        testFiles.add(f.rel);
      const edition = crate ? editionOf(crate) : '2021';
      const dependencies = crate ? dependencyNames(crate) : [];
      const crateMacros = sources?.macros ?? [];
      const crateKey = `${edition}\0${dependencies.join(',')}\0${crateMacros.join(',')}`;
      let key = ScanCache.key(f.rel, modulePath, fact.hash!, crateKey);
      const hit = cache?.get(key);
      if (hit) {
        results.set(f.rel, hit);
        continue;
      }
      if (!bytes) {
        // Known by its stat but not in the result cache (another module path, crate facts or rules): read,
        // and key it by what was read.
        bytes = readOrSkip(f);
        if (!bytes) {
          analysed--;
          continue;
        }
        key = ScanCache.key(f.rel, modulePath, contentHash(bytes), crateKey);
      }
      // A copy of its own (the read buffer is reused), moved to a worker without another copy.
      const miss = {
        source: new Uint8Array(bytes),
        path: f.abs,
        file: f.rel,
        modulePath,
        edition,
        dependencies,
        ...(crateMacros.length > 0 ? { crateMacros } : {}),
        key,
      };
      missBytes += bytes.length;
      if (early && !pool) pool = createPool(threads, poolOptions);
      if (pool) {
        running.push(run(pool, miss));
        // Reads no further ahead of the workers than they have room for (pool.ts QUEUED_BYTES_PER_WORKER).
        await pool.ready();
      } else misses.push(miss);
    }
    lap('read');
    if (!pool)
      pool =
        missBytes >= WORKER_THRESHOLD_BYTES && threads > 0
          ? createPool(Math.min(threads, misses.length), poolOptions)
          : inProcessPool();
    const chosen = pool;
    running.push(...misses.map((m) => run(chosen, m)));
    await Promise.all(running);
    if (failure) throw failure.error;
    lap('wait');
  } finally {
    await pool?.close();
  }
  cache?.save();
  const items: AsyncItem[] = [];
  const findings: Finding[] = [];
  const filesWithParseErrors: string[] = [];
  let findingsInTests = 0;
  for (const rel of [...results.keys()].sort()) {
    const r = results.get(rel)!;
    items.push(...r.items);
    const testFile = testFiles.has(rel);
    const testItems = new Set(r.items.filter((i) => i.testOnly).map((i) => i.name));
    for (const f of r.findings) {
      if (!enabled.has(f.rule)) continue;
      const level = options.levels?.[f.rule];
      if (level === 'off') continue;
      if (!options.tests && (testFile || (f.item !== undefined && testItems.has(f.item)))) {
        findingsInTests++;
        continue;
      }
      findings.push(level && level !== f.severity ? { ...f, severity: level } : f);
    }
    if (r.parseErrors) filesWithParseErrors.push(rel);
  }
  skipped.sort((a, b) => compareText(a.file, b.file));
  lap('assemble');
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'asyncbloat', version: VERSION },
    root: walk.root,
    items,
    findings,
    stats: {
      filesScanned: analysed,
      filesWithoutAsync: withoutAsync,
      filesWithParseErrors,
      skipped,
      findingsInTests,
    },
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

export type { ScanReport };

/** The facts a scan needs of a file's bytes (file-facts.ts). */
function factOf(bytes: Buffer): FileFact {
  const problem = notText(bytes);
  if (problem) return { problem };
  if (!bytes.includes('async')) return { hasAsync: false };
  return { hasAsync: true, hash: contentHash(bytes) };
}

const cannotRead = (e: unknown) => `cannot read: ${errorText(e)}`;

const tooLarge = (bytes: number, limit: number) =>
  `too large (${(bytes / 1048576).toFixed(1)} MB, over --max-file-size ${(limit / 1048576).toFixed(0)} MB)`;
