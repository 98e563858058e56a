// Benchmark: `scan` over the Debian registry sources (/usr/share/cargo/registry), cold (cache cleared) and
// warm (unchanged tree, cache filled), against `grep -rc --include=*.rs async` over the same tree in the same
// run. Prints MB/s, files/s and peak RSS (GNU time's %M, the largest process; worker threads share it),
// and every figure as a ratio to grep. Each configuration runs REPEAT times; the median wall time is used.
// Run: node --import tsx bench/scan.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scan } from '../src/scan/index.ts';

const REGISTRY = '/usr/share/cargo/registry';
const REPEAT = 3;
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Measured {
  seconds: number;
  peakRssMb?: number;
  stdout: string;
}

function measure(cmd: string, args: string[]): Measured {
  const [exe, argv] = gnuTime ? [gnuTime, ['-f', 'asyncbloat-bench-rss %M', cmd, ...args]] : [cmd, args];
  const start = performance.now();
  const r = spawnSync(exe, argv, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.now() - start) / 1000;
  // grep exits 1 when some file has no match; only 2 is an error
  if (r.status !== 0 && !(cmd === 'grep' && r.status === 1)) throw new Error(`${cmd} failed:\n${r.stderr}`);
  const rss = /asyncbloat-bench-rss (\d+)/.exec(r.stderr)?.[1];
  return { seconds, stdout: r.stdout, ...(rss ? { peakRssMb: Number(rss) / 1024 } : {}) };
}

function median(runs: Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  return { ...mid, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb ?? 0)) || undefined } as Measured;
}

function rustTree(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.rs')) {
      files++;
      bytes += statSync(join(e.parentPath, e.name)).size;
    }
  }
  return { files, bytes };
}

/** In a child process, so its peak RSS is its own: one scan with the given cache dir. */
async function child(cacheDir: string): Promise<void> {
  await scan(REGISTRY, { cacheDir });
}

export async function run(): Promise<void> {
  if (!existsSync(REGISTRY)) {
    console.log(
      `scan bench: ${REGISTRY} not found (apt-get install librust-tokio-dev librust-hyper-dev librust-futures-dev)`,
    );
    return;
  }
  const tree = rustTree(REGISTRY);
  const mb = tree.bytes / 1e6;
  const self = fileURLToPath(import.meta.url);
  const cacheRoot = mkdtempSync(join(tmpdir(), 'asyncbloat-bench-scan-'));
  try {
    // The bundle is what users run (npm run bench builds it first); from source, tsx start-up is included.
    const bundle = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const useBundle = existsSync(bundle) && existsSync(join(bundle, '..', 'scan-worker.js'));
    const scanCmd = (cacheDir: string): [string, string[]] =>
      useBundle
        ? [
            'env',
            [
              `XDG_CACHE_HOME=${cacheDir}`,
              process.execPath,
              bundle,
              'scan',
              REGISTRY,
              '--format',
              'json',
              // a real file: `-o` writes a temp file and renames it over the target
              '-o',
              join(cacheDir, 'report.json'),
            ],
          ]
        : [
            process.execPath,
            ['--import', 'tsx', self, '--child', join(cacheDir, 'asyncbloat', 'scan-cache')],
          ];
    console.log(
      useBundle ? `scanning with ${bundle}` : 'scanning from source through tsx (no fresh dist/ build)',
    );
    const grepRuns: Measured[] = [];
    const coldRuns: Measured[] = [];
    const warmRuns: Measured[] = [];
    for (let i = 0; i < REPEAT; i++) {
      grepRuns.push(measure('grep', ['-rc', '--include=*.rs', 'async', REGISTRY]));
      const cacheDir = join(cacheRoot, String(i));
      mkdirSync(cacheDir, { recursive: true });
      coldRuns.push(measure(...scanCmd(cacheDir)));
      warmRuns.push(measure(...scanCmd(cacheDir)));
      rmSync(cacheDir, { recursive: true, force: true });
    }
    const grep = median(grepRuns);
    const cold = median(coldRuns);
    const warm = median(warmRuns);
    console.log(`corpus: ${REGISTRY}, ${tree.files} .rs files, ${mb.toFixed(1)} MB`);
    console.log(`median of ${REPEAT} runs each; wall time includes process start-up`);
    const row = (name: string, m: Measured) => {
      const rss = m.peakRssMb !== undefined ? `${m.peakRssMb.toFixed(0).padStart(5)} MB` : '      ?';
      const ratio = m.seconds / grep.seconds;
      console.log(
        `${name.padEnd(10)} ${m.seconds.toFixed(2).padStart(7)} s ${(mb / m.seconds).toFixed(1).padStart(8)} MB/s ` +
          `${(tree.files / m.seconds).toFixed(0).padStart(8)} files/s  peak RSS ${rss}  ${ratio.toFixed(1).padStart(6)}x grep time`,
      );
    };
    row('grep -rc', grep);
    row('scan cold', cold);
    row('scan warm', warm);
    console.log(
      `ratios: cold ${(cold.seconds / grep.seconds).toFixed(1)}x grep, warm ${(warm.seconds / grep.seconds).toFixed(1)}x grep, ` +
        `warm is ${(cold.seconds / warm.seconds).toFixed(1)}x faster than cold`,
    );
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }
}

const invoked = process.argv[1] === fileURLToPath(import.meta.url);
if (invoked && process.argv[2] === '--child') await child(process.argv[3]!);
else if (invoked) await run();
