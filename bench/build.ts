// Benchmark: the cost of asyncbloat's analysis build on the tokio fixture app, from clean, against a plain
// `cargo build` of the same profile in the same run (target: at most 1.15x). A third build with the same
// flags but without the wrapper splits the overhead into "what rustc does for the flags" and "what the
// wrapper costs". Peak RSS is the largest single process of each build (GNU time's %M, which takes the
// maximum over the process tree), when /usr/bin/time exists.
// Run: node --import tsx bench/build.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANALYSIS_RUSTFLAGS, buildForAnalysis } from '../src/cargo/build.ts';
import { detectToolchain } from '../src/cargo/toolchain.ts';

const fixture = fileURLToPath(new URL('../test/fixtures/crates/tokio-app/', import.meta.url));
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Measured {
  seconds: number;
  peakRssMb?: number;
}

/** Runs a command from clean, timing it and (with GNU time) taking its peak RSS. */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv): Measured {
  const [exe, argv] = gnuTime ? [gnuTime, ['-f', 'asyncbloat-bench-rss %M', cmd, ...args]] : [cmd, args];
  const start = performance.now();
  const r = spawnSync(exe, argv, { cwd: fixture, env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const rss = /asyncbloat-bench-rss (\d+)/.exec(r.stderr)?.[1];
  return { seconds, ...(rss ? { peakRssMb: Number(rss) / 1024 } : {}) };
}

const fmt = (m: Measured) =>
  `${m.seconds.toFixed(1)} s${m.peakRssMb !== undefined ? `, peak RSS ${m.peakRssMb.toFixed(0)} MB` : ''}`;

/** In a child process (so its RSS can be measured): one analysis build into the given target dir. */
async function child(targetDir: string): Promise<void> {
  await buildForAnalysis({
    manifestPath: fixture,
    offline: true,
    progress: false,
    env: { ...process.env, CARGO_TARGET_DIR: targetDir },
  });
  process.stderr.write(`asyncbloat-bench-node-rss ${process.resourceUsage().maxRSS}\n`);
}

export async function run(): Promise<void> {
  if (!existsSync('/usr/share/cargo/registry/tokio-1.24.2')) {
    throw new Error('needs Debian crate sources: apt-get install librust-tokio-dev librust-futures-dev');
  }
  const root = mkdtempSync(join(tmpdir(), 'asyncbloat-bench-build-'));
  try {
    const toolchain = await detectToolchain({ cwd: fixture });
    const env = { ...process.env, ...toolchain.env };
    console.log(`tokio fixture app, dev profile, from clean; ${toolchain.version}${toolchain.bootstrap ? ' (RUSTC_BOOTSTRAP=1)' : ''}`);

    const plain = measure('cargo', ['build', '--offline', '--target-dir', join(root, 'plain')], env);
    console.log(`  plain cargo build                      ${fmt(plain)}   (reference)`);

    const flagsOnly = measure('cargo', ['build', '--offline', '--target-dir', join(root, 'flags')], {
      ...env,
      CARGO_INCREMENTAL: '0',
      CARGO_ENCODED_RUSTFLAGS: ANALYSIS_RUSTFLAGS.join('\x1f'),
    });
    console.log(`  same flags, no wrapper                 ${fmt(flagsOnly)}   ${(flagsOnly.seconds / plain.seconds).toFixed(2)}x`);

    const self = fileURLToPath(import.meta.url);
    const analysis = measure(process.execPath, ['--import', 'tsx', self, '--child', join(root, 'analysis')], env);
    const ratio = analysis.seconds / plain.seconds;
    console.log(
      `  buildForAnalysis (flags + wrapper)     ${fmt(analysis)}   ${ratio.toFixed(2)}x  (target <= 1.15x: ${ratio <= 1.15 ? 'met' : 'NOT met'})`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const invoked = process.argv[1] === fileURLToPath(import.meta.url);
if (invoked && process.argv[2] === '--child') await child(process.argv[3]!);
else if (invoked) await run();
