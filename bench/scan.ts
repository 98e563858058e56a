// Benchmark: `scan` over the Debian registry sources (/usr/share/cargo/registry; another tree with
// ASYNCBLOAT_BENCH_TREE=dir), against references measured in the same run, taken in turns:
// - ast-grep 0.51 (the @ast-grep/cli dev dependency's native binary) with one rule, `async` fn items: a
//   native tree-sitter tool that parses every file;
// - `grep -rc --include=*.rs async` over the same tree.
// asyncbloat runs cold (empty cache, every rule on, fixes and effects included) and warm (cache filled).
// Wall and CPU time (user + sys, all threads) and peak RSS come from GNU time; each configuration runs
// REPEAT times and the median wall time is used. Then one cold scan in a child process reports where its
// time goes, per phase (scan's `timings` option).
// Run: npm run bench -- scan
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scan } from '../src/scan/index.ts';

const TREE = process.env.ASYNCBLOAT_BENCH_TREE ?? '/usr/share/cargo/registry';
const REPEAT = 5;
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** The one-rule config the issue compares with: every `async fn` item. */
const AST_GREP_RULE = `id: async-fn
language: rust
severity: info
message: async fn
rule:
  kind: function_item
  has:
    kind: function_modifiers
    regex: async
`;

interface Measured {
  seconds: number;
  cpuSeconds?: number;
  peakRssMiB?: number;
}

function measure(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Measured {
  const [exe, argv] = gnuTime ? [gnuTime, ['-f', 'asyncbloat-bench %M %U %S', cmd, ...args]] : [cmd, args];
  const start = performance.now();
  const r = spawnSync(exe, argv, {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
  });
  const seconds = (performance.now() - start) / 1000;
  // grep exits 1 when some file has no match; only 2 is an error
  if (r.status !== 0 && !(cmd === 'grep' && r.status === 1)) throw new Error(`${cmd} failed:\n${r.stderr}`);
  const m = /asyncbloat-bench (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return {
    seconds,
    // GNU time's %M is in KiB (getrusage's ru_maxrss on Linux)
    ...(m ? { peakRssMiB: Number(m[1]) / 1024, cpuSeconds: Number(m[2]) + Number(m[3]) } : {}),
  };
}

function median(runs: Measured[]): Measured {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  const rss = Math.max(...runs.map((r) => r.peakRssMiB ?? 0));
  return { ...mid, ...(rss > 0 ? { peakRssMiB: rss } : {}) };
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

/** The ast-grep binary of the installed platform package (the npm wrapper adds a node start per run). */
function astGrep(): string | undefined {
  const require = createRequire(import.meta.url);
  const abi = process.platform === 'linux' ? '-gnu' : process.platform === 'win32' ? '-msvc' : '';
  const exe = process.platform === 'win32' ? 'ast-grep.exe' : 'ast-grep';
  for (const pkg of [`@ast-grep/cli-${process.platform}-${process.arch}${abi}`, '@ast-grep/cli']) {
    try {
      const bin = join(dirname(require.resolve(`${pkg}/package.json`)), exe);
      if (existsSync(bin)) return bin;
    } catch {}
  }
  return undefined;
}

/** In a child process (its own heap and threads): one cold scan with per-phase timings, as JSON. */
async function child(tree: string): Promise<void> {
  const timings: Record<string, number> = {};
  const start = performance.now();
  const report = await scan(tree, { cache: false, timings });
  const json = performance.now();
  JSON.stringify(report, null, 2);
  timings['json output'] = performance.now() - json;
  timings.total = performance.now() - start;
  console.log(JSON.stringify(timings));
}

function breakdown(self: string): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', TREE], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`breakdown child failed:\n${r.stderr}`);
  const t = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  const main = ['walk', 'read', 'wait', 'assemble', 'json output'];
  const workers = Object.keys(t).filter((k) => !main.includes(k) && k !== 'total');
  const workerSum = workers.reduce((n, k) => n + t[k]!, 0);
  const ms = (k: string) => `${k} ${t[k]!.toFixed(0)} ms`;
  console.log(`where a cold scan's time goes (one run, from source; total ${t.total!.toFixed(0)} ms wall):`);
  console.log(
    `  main thread: ${main
      .filter((k) => t[k] !== undefined)
      .map(ms)
      .join(', ')}`,
  );
  console.log(
    `  worker threads, summed over files (${workerSum.toFixed(0)} ms of CPU): ` +
      workers
        .sort((a, b) => t[b]! - t[a]!)
        .map((k) => `${k} ${t[k]!.toFixed(0)} (${((100 * t[k]!) / workerSum).toFixed(0)}%)`)
        .join(', '),
  );
  console.log(
    '  (`read` includes the async prefilter, cache keys and handing files to workers, and runs while the' +
      ' workers parse; `wait` is the time after the last file was read)',
  );
}

export async function run(): Promise<void> {
  if (!existsSync(TREE)) {
    console.log(
      `scan bench: ${TREE} not found (apt-get install librust-tokio-dev librust-hyper-dev librust-futures-dev)`,
    );
    return;
  }
  const sg = astGrep();
  const tree = rustTree(TREE);
  const mb = tree.bytes / 1e6;
  const self = fileURLToPath(import.meta.url);
  const work = mkdtempSync(join(tmpdir(), 'asyncbloat-bench-scan-'));
  try {
    const bundle = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    if (!existsSync(bundle)) throw new Error('no dist/cli.js: npm run bench builds it first');
    const ruleFile = join(work, 'async-fn.yml');
    writeFileSync(ruleFile, AST_GREP_RULE);
    const scanArgs = (cacheDir: string): [string, string[], NodeJS.ProcessEnv] => [
      process.execPath,
      // a real file: `-o` writes a temp file and renames it over the target
      [bundle, 'scan', TREE, '--format', 'json', '-o', join(cacheDir, 'report.json')],
      { ...process.env, XDG_CACHE_HOME: cacheDir },
    ];
    const runs: Record<'grep' | 'astGrep' | 'cold' | 'warm', Measured[]> = {
      grep: [],
      astGrep: [],
      cold: [],
      warm: [],
    };
    for (let i = 0; i < REPEAT; i++) {
      runs.grep.push(measure('grep', ['-rc', '--include=*.rs', 'async', TREE]));
      if (sg) runs.astGrep.push(measure(sg, ['scan', '-r', ruleFile, TREE, '--json=compact']));
      const cacheDir = join(work, String(i));
      mkdirSync(cacheDir, { recursive: true });
      runs.cold.push(measure(...scanArgs(cacheDir)));
      runs.warm.push(measure(...scanArgs(cacheDir)));
      rmSync(cacheDir, { recursive: true, force: true });
    }
    const grep = median(runs.grep);
    const ref = sg ? median(runs.astGrep) : undefined;
    const cold = median(runs.cold);
    const warm = median(runs.warm);
    console.log(`corpus: ${TREE}, ${tree.files} .rs files, ${mb.toFixed(1)} MB`);
    console.log(`median of ${REPEAT} runs each, in turns; wall time includes process start-up`);
    const row = (name: string, m: Measured) => {
      const cpu = m.cpuSeconds !== undefined ? `${m.cpuSeconds.toFixed(2).padStart(6)} s CPU` : '     ? CPU';
      const rss = m.peakRssMiB !== undefined ? `${m.peakRssMiB.toFixed(0).padStart(5)} MiB` : '       ?';
      console.log(
        `${name.padEnd(26)} ${m.seconds.toFixed(2).padStart(6)} s wall ${cpu}  peak RSS ${rss}  ` +
          `${(mb / m.seconds).toFixed(1).padStart(6)} MB/s`,
      );
    };
    row('grep -rc async', grep);
    if (ref) row('ast-grep, one rule', ref);
    else console.log('ast-grep: not installed (npm install adds @ast-grep/cli as a dev dependency)');
    row('asyncbloat scan, cold', cold);
    row('asyncbloat scan, warm', warm);
    const ratio = (a: number | undefined, b: number | undefined) =>
      a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}x` : '?';
    if (ref)
      console.log(
        `cold scan / ast-grep: ${ratio(cold.seconds, ref.seconds)} wall, ${ratio(cold.cpuSeconds, ref.cpuSeconds)} CPU, ` +
          `${ratio(cold.peakRssMiB, ref.peakRssMiB)} peak RSS (goal: <= 1.0x wall and CPU)`,
      );
    console.log(
      `warm scan / grep: ${ratio(warm.seconds, grep.seconds)} wall (goal: <= 5x); cold / grep: ${ratio(cold.seconds, grep.seconds)}; ` +
        `cold peak RSS ${cold.peakRssMiB?.toFixed(1) ?? '?'} MiB, the most of ${REPEAT} runs (goal: <= 150 MiB)`,
    );
    breakdown(self);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const invoked = process.argv[1] === fileURLToPath(import.meta.url);
if (invoked && process.argv[2] === '--child') await child(process.argv[3]!);
else if (invoked) await run();
