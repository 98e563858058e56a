// Per-file results keyed by a hash of the file's content, place and the analyser's own version, so an
// unchanged tree re-scans at the speed of reading and hashing it. One JSON file per scanned root keeps
// the warm path to a single read; entries not used by a scan are dropped when it saves.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../atomic-file.ts';
import { VERSION } from '../version.ts';
import type { FileResult } from './analyze-file.ts';
import { FileFacts } from './file-facts.ts';

/** Bump when FileResult's shape or meaning changes. */
const FORMAT = 2;

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'asyncbloat', 'scan-cache');
}

export class ScanCache {
  private readonly old: Record<string, FileResult>;
  private readonly used: Record<string, FileResult> = {};
  private changed = false;

  private constructor(
    private readonly file: string,
    old: Record<string, FileResult>,
    /** What is known of each file by its stat, so that a warm scan need not read it (file-facts.ts). */
    readonly facts: FileFacts,
  ) {
    this.old = old;
  }

  static open(root: string, dir: string = defaultCacheDir()): ScanCache {
    const file = join(dir, `${hash(`${analyserStamp()}\0${root}`)}.json`);
    let old: Record<string, FileResult> = {};
    try {
      old = JSON.parse(readFileSync(file, 'utf8')) as Record<string, FileResult>;
    } catch {
      // no cache yet, or a damaged one: start empty
    }
    return new ScanCache(file, old, FileFacts.open(file.replace(/\.json$/, '.facts.json')));
  }

  /**
   * The key of one file's analysis: its text (`hash`, file-facts.ts contentHash) and everything that shapes
   * its results (`crate`: the crate's facts rules read, edition and dependencies).
   */
  static key(rel: string, modulePath: string, hash: string, crate = ''): string {
    return createHash('sha1')
      .update(rel)
      .update('\0')
      .update(modulePath)
      .update('\0')
      .update(crate)
      .update('\0')
      .update(hash)
      .digest('hex');
  }

  get(key: string): FileResult | undefined {
    const hit = this.old[key];
    if (hit) this.used[key] = hit;
    return hit;
  }

  set(key: string, result: FileResult): void {
    this.used[key] = result;
    this.changed = true;
  }

  /** Writes the entries this scan used (atomically); a cache that cannot be written is not an error. */
  save(): void {
    this.facts.save();
    if (!this.changed && Object.keys(this.used).length === Object.keys(this.old).length) return;
    try {
      writeFileAtomic(this.file, JSON.stringify(this.used));
    } catch {
      // read-only home or full disk: the next scan is just cold again
    }
  }
}

function hash(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

let stamp: string | undefined;

/**
 * What invalidates every entry: the tool version and cache format, plus, when running from source (tsx,
 * during development, where the version does not change), the newest mtime of the analyser's sources.
 */
function analyserStamp(): string {
  if (stamp) return stamp;
  const here = fileURLToPath(import.meta.url);
  let newest = statSync(here).mtimeMs;
  if (here.endsWith('.ts')) {
    const src = dirname(dirname(here));
    for (const dir of ['scan', 'rules', 'readers/rust-source']) {
      for (const f of readdirSync(join(src, dir), { recursive: true, encoding: 'utf8' }))
        newest = Math.max(newest, statSync(join(src, dir, f)).mtimeMs);
    }
  }
  stamp = `${VERSION}/${FORMAT}/${newest}`;
  return stamp;
}
