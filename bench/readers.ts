// Throughput of the MIR and -Zprint-type-sizes readers on a whole dependency graph's output: the tiny
// tokio + futures app test/fixtures/mir/tokapp, built from clean and offline from Debian's crate sources
// (/usr/share/cargo/registry) with `--emit=mir,link` and `-Zprint-type-sizes` (RUSTC_BOOTSTRAP=1 on stable). The reference, measured in the
// same run over the same files, is `wc -l` and `grep -c` — the cheapest possible pass over the text.
//   node --import tsx bench/readers.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { readMir } from '../src/readers/mir.ts';
import { readTypeSizes } from '../src/readers/type-sizes.ts';
import { compileFixture } from '../test/support/rustc.ts';

const REGISTRY = '/usr/share/cargo/registry';
const ROUNDS = 5;

const APP = 'test/fixtures/mir/tokapp';

interface Corpus {
  mirFiles: string[];
  mirTexts: string[];
  typeSizes: string;
  typeSizesFile: string;
  buildSeconds: number;
}

/** Builds the app from clean (release, every crate with MIR and type sizes) and stores the outputs in dir. */
function build(dir: string): Corpus {
  const t0 = performance.now();
  const out = compileFixture({ crateDir: APP, opt: true });
  const buildSeconds = (performance.now() - t0) / 1000;
  const mirFiles: string[] = [];
  for (const [i, f] of (out.mirFiles ?? []).entries()) {
    // Flattened with an index: build scripts of different crates share file names.
    const path = join(dir, `${i}-${basename(f.path)}`);
    writeFileSync(path, f.text);
    mirFiles.push(path);
  }
  const typeSizesFile = join(dir, 'type-sizes.txt');
  writeFileSync(typeSizesFile, out.typeSizes);
  return {
    mirFiles,
    mirTexts: (out.mirFiles ?? []).map((f) => f.text),
    typeSizes: out.typeSizes,
    typeSizesFile,
    buildSeconds,
  };
}

/** Best of ROUNDS wall times of fn, in seconds. */
function best(fn: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, (performance.now() - t0) / 1000);
  }
  return min;
}

function shell(cmd: string, args: string[]): () => void {
  return () => {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    // grep exits 1 when a file has no match; only 2 is an error.
    if (r.status !== 0 && !(cmd === 'grep' && r.status === 1)) throw new Error(`${cmd} failed`);
  };
}

const mb = (bytes: number) => bytes / 1e6;
const fmt = (n: number, d = 1) => n.toFixed(d);

export async function run(): Promise<void> {
  if (!existsSync(`${REGISTRY}/tokio-1.24.2`)) {
    console.log(
      `readers: skipped, no tokio in ${REGISTRY} (apt-get install librust-tokio-dev librust-futures-dev)`,
    );
    return;
  }
  // BENCH_KEEP_DIR=path keeps the outputs there, to inspect them afterwards.
  const keep = process.env.BENCH_KEEP_DIR;
  if (keep) mkdirSync(keep, { recursive: true });
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'asyncbloat-bench-readers-'));
  try {
    const rssStart = process.resourceUsage().maxRSS;
    const c = build(dir);
    const mirBytes = c.mirTexts.reduce((n, t) => n + Buffer.byteLength(t), 0);
    const ptsBytes = Buffer.byteLength(c.typeSizes);
    const rssLoaded = process.resourceUsage().maxRSS;

    let coroutines = 0;
    let unparsedMir = 0;
    const mirTime = best(() => {
      coroutines = 0;
      unparsedMir = 0;
      for (const text of c.mirTexts) {
        const r = readMir(text);
        coroutines += r.coroutines.length;
        unparsedMir += r.unparsed.count;
      }
    });
    let futures = 0;
    let unparsedPts = 0;
    const ptsTime = best(() => {
      const r = readTypeSizes(c.typeSizes);
      futures = r.futures.length;
      unparsedPts = r.unparsed.count;
    });
    const rssPeak = process.resourceUsage().maxRSS;

    const mirWc = best(shell('wc', ['-l', ...c.mirFiles]));
    const mirGrep = best(shell('grep', ['-c', '^fn ', ...c.mirFiles]));
    const ptsWc = best(shell('wc', ['-l', c.typeSizesFile]));
    const ptsGrep = best(shell('grep', ['-c', 'type: `{async ', c.typeSizesFile]));

    console.log(
      `corpus: tokio+futures app, ${c.mirFiles.length} .mir files ${fmt(mb(mirBytes))} MB, ` +
        `type sizes ${fmt(mb(ptsBytes))} MB; cargo build --release with MIR+type sizes ${fmt(c.buildSeconds)} s`,
    );
    console.log(
      `readMir:       ${fmt(mb(mirBytes) / mirTime)} MB/s (${fmt(mirTime * 1000, 0)} ms, ${coroutines} poll bodies, ${unparsedMir} unparsed) | ` +
        `wc -l ${fmt(mb(mirBytes) / mirWc)} MB/s, grep -c ${fmt(mb(mirBytes) / mirGrep)} MB/s | ` +
        `reader/wc ${fmt(mirTime / mirWc, 2)}x, reader/grep ${fmt(mirTime / mirGrep, 2)}x`,
    );
    console.log(
      `readTypeSizes: ${fmt(mb(ptsBytes) / ptsTime)} MB/s (${fmt(ptsTime * 1000, 0)} ms, ${futures} future layouts, ${unparsedPts} unparsed) | ` +
        `wc -l ${fmt(mb(ptsBytes) / ptsWc)} MB/s, grep -c ${fmt(mb(ptsBytes) / ptsGrep)} MB/s | ` +
        `reader/wc ${fmt(ptsTime / ptsWc, 2)}x, reader/grep ${fmt(ptsTime / ptsGrep, 2)}x`,
    );
    console.log(
      `peak RSS: ${fmt(rssPeak / 1024, 0)} MiB (at start ${fmt(rssStart / 1024, 0)} MiB, texts loaded ${fmt(rssLoaded / 1024, 0)} MiB)`,
    );
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
