// Benchmark: the cost of asyncbloat's analysis build on the tokio fixture app, from clean, against a plain
// `cargo build` of the same profile in the same run (target: at most 1.15x), and its fidelity: the `.text`
// of the analysed binary against a plain build's, dev and release (target: within 0.1 %). After one discarded warm-up
// build, plain and analysis builds alternate for two rounds and the best of each is compared. A third build with the same
// flags but without the wrapper splits the overhead into "what rustc does for the flags" and "what the
// wrapper costs". Peak RSS is the largest single process of each build (GNU time's %M, which takes the
// maximum over the process tree), when /usr/bin/time exists. These use the user's own toolchain
// (`--no-nightly`), the same compiler as the reference. The default plan is measured after them: the
// installed nightly cannot build this app (proc-macro2 1.0.47, E0635), so a first run pays for a failed
// nightly build before the fallback, and the next run, which remembers the failure, should not.
// Run: node --import tsx bench/build.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANALYSIS_RUSTFLAGS, buildForAnalysis, wrapperCommand } from '../src/cargo/build.ts';
import { detectToolchain, planToolchains } from '../src/cargo/toolchain.ts';
import { readElf, textBytes } from '../src/readers/elf.ts';

const fixture = fileURLToPath(new URL('../test/fixtures/crates/tokio-app/', import.meta.url));
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Measured {
  seconds: number;
  /** User + system CPU seconds of the whole process tree: steadier than wall time on a busy machine. */
  cpuSeconds?: number;
  peakRssMiB?: number;
  /** Peak RSS of asyncbloat's own node process (the analysis child reports it). */
  driverRssMiB?: number;
}

/** Runs a command from clean, timing it and (with GNU time) taking its peak RSS. */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv): Measured {
  const [exe, argv] = gnuTime
    ? [gnuTime, ['-f', 'asyncbloat-bench-rss %M %U %S', cmd, ...args]]
    : [cmd, args];
  const start = performance.now();
  const r = spawnSync(exe, argv, {
    cwd: fixture,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const driver = /asyncbloat-bench-node-rss (\d+)/.exec(r.stderr)?.[1];
  const out: Measured = { seconds, ...(driver ? { driverRssMiB: Number(driver) / 1024 } : {}) };
  const t = /asyncbloat-bench-rss (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (!t) return out;
  return { ...out, peakRssMiB: Number(t[1]) / 1024, cpuSeconds: Number(t[2]) + Number(t[3]) };
}

const fmt = (m: Measured, ref?: Measured) => {
  let s = `wall ${m.seconds.toFixed(1)} s`;
  if (ref) s += ` = ${(m.seconds / ref.seconds).toFixed(2)}x`;
  if (m.cpuSeconds !== undefined) {
    s += `, cpu ${m.cpuSeconds.toFixed(1)} s`;
    if (ref?.cpuSeconds) s += ` = ${(m.cpuSeconds / ref.cpuSeconds).toFixed(2)}x`;
  }
  if (m.peakRssMiB !== undefined) s += `, peak RSS ${m.peakRssMiB.toFixed(0)} MiB`;
  if (m.driverRssMiB !== undefined) s += ` (asyncbloat's node process ${m.driverRssMiB.toFixed(0)} MiB)`;
  return s;
};

const ROUNDS = 2;

/** The least disturbed of several measurements: minimum wall and CPU time, maximum peak RSS. */
function best(ms: Measured[]): Measured {
  const cpu = ms.map((m) => m.cpuSeconds).filter((c) => c !== undefined);
  const rss = ms.map((m) => m.peakRssMiB).filter((r) => r !== undefined);
  const driver = ms.map((m) => m.driverRssMiB).filter((r) => r !== undefined);
  return {
    ...(driver.length > 0 ? { driverRssMiB: Math.max(...driver) } : {}),
    seconds: Math.min(...ms.map((m) => m.seconds)),
    ...(cpu.length > 0 ? { cpuSeconds: Math.min(...cpu) } : {}),
    ...(rss.length > 0 ? { peakRssMiB: Math.max(...rss) } : {}),
  };
}

/** In a child process (so its RSS can be measured): one analysis build into the given target dir. */
async function child(targetDir: string, deps: boolean): Promise<void> {
  await buildForAnalysis({
    deps,
    nightly: false,
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
    const toolchain = await detectToolchain({ cwd: fixture, choice: 'own' });
    const env = { ...process.env, ...toolchain.env };
    const preferred = (await planToolchains({ cwd: fixture }))[0];
    console.log(
      `tokio fixture app, dev profile, from clean; ${toolchain.version}${toolchain.bootstrap ? ' (RUSTC_BOOTSTRAP=1)' : ''}`,
    );

    const wrapper = wrapperCommand();
    if (wrapper.includes('--import')) {
      console.log(
        '  note: the wrapper runs from source through tsx (dist/ is stale): run `npm run build` first',
      );
    }
    // A warm-up build first (discarded): the first build of a run also pays for reading the registry
    // sources and the toolchain from disk, which would bias whichever variant went first.
    const plainBuild = (dir: string) =>
      measure('cargo', ['build', '--offline', '--target-dir', join(root, dir)], env);
    plainBuild('warm-up');
    const self = fileURLToPath(import.meta.url);
    const analysisBuild = (dir: string, deps = false) =>
      measure(
        process.execPath,
        ['--import', 'tsx', self, '--child', join(root, dir), ...(deps ? ['deps'] : [])],
        env,
      );
    const flagsBuild = () =>
      measure('cargo', ['build', '--offline', '--target-dir', join(root, 'flags')], {
        ...env,
        CARGO_INCREMENTAL: '0',
        CARGO_ENCODED_RUSTFLAGS: ANALYSIS_RUSTFLAGS.join('\x1f'),
      });
    // Alternating rounds, best of each: on a shared machine the minimum is the least disturbed figure.
    const plain: Measured[] = [];
    const analysis: Measured[] = [];
    const flags: Measured[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plain.push(plainBuild(`plain-${round}`));
      if (round === 0) flags.push(flagsBuild());
      analysis.push(analysisBuild(`analysis-${round}`));
    }
    const ref = best(plain);
    console.log(`  plain cargo build                  ${fmt(ref)}  (reference, best of ${ROUNDS})`);
    console.log(`  same flags, no wrapper             ${fmt(best(flags), ref)}`);
    const ours = best(analysis);
    console.log(`  buildForAnalysis (flags+wrapper)   ${fmt(ours, ref)}  (best of ${ROUNDS})`);
    // --deps captures every crate's type sizes, so node runs for each rustc: measured once, for the record.
    console.log(`  buildForAnalysis --deps            ${fmt(analysisBuild('analysis-deps', true), ref)}`);
    // The whole command as a user runs it: build, scan, readers, join, symbols; from clean.
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const analyzeCommand = (dir: string, ...flags: string[]) =>
      measure(
        process.execPath,
        [cli, 'analyze', fixture, '--offline', ...flags, '--format', 'json', '-o', join(root, 'report.json')],
        { ...process.env, CARGO_TARGET_DIR: join(root, dir) },
      );
    const whole = best([0, 1].map((n) => analyzeCommand(`analyze-cli-${n}`, '--no-nightly')));
    console.log(`  asyncbloat analyze --no-nightly    ${fmt(whole, ref)}  (whole command, best of 2)`);
    if (preferred && preferred.channel === 'nightly' && preferred.version !== toolchain.version) {
      // The default plan: the nightly first. From clean, then from clean again but with the failure
      // remembered (only the build dirs are deleted, not nightly-failed.json).
      const first = analyzeCommand('analyze-default');
      console.log(
        `  asyncbloat analyze, default plan   ${fmt(first, ref)}  (${preferred.version} tried first)`,
      );
      for (const dir of ['members', `members-${preferred.env.RUSTUP_TOOLCHAIN}`]) {
        rmSync(join(root, 'analyze-default', 'asyncbloat', dir), { recursive: true, force: true });
      }
      const again = analyzeCommand('analyze-default');
      console.log(`  same, failure remembered           ${fmt(again, ref)}`);
    }
    // Fidelity: the measured binary is the shipped one. `.text` of the analysis builds against plain builds
    // of the same profile (release with v0 mangling, as analyze's), in the same run.
    const textOf = (file: string) => textBytes(readElf(readFileSync(file)));
    const devDrift = textOf(join(root, 'analysis-0', 'asyncbloat', 'members', 'debug', 'tokio-app'));
    const devPlain = textOf(join(root, 'plain-0', 'debug', 'tokio-app'));
    measure('cargo', ['build', '--release', '--offline', '--target-dir', join(root, 'plain-release')], {
      ...env,
      RUSTFLAGS: '-Csymbol-mangling-version=v0',
    });
    const relPlain = textOf(join(root, 'plain-release', 'release', 'tokio-app'));
    analyzeCommand('analyze-release', '--no-nightly', '--release');
    const report = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8')) as {
      crates: { textBytes?: number }[];
    };
    const relAnalysis = report.crates.find((c) => c.textBytes !== undefined)?.textBytes ?? Number.NaN;
    const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(3)} %`;
    console.log(
      `  .text, analysis / plain build: dev ${devDrift} / ${devPlain} B (${pct(devDrift, devPlain)}), release ${relAnalysis} / ${relPlain} B (${pct(relAnalysis, relPlain)}; target within 0.1 %)`,
    );
    const ratio = ours.seconds / ref.seconds;
    const wholeRatio = whole.seconds / ref.seconds;
    console.log(
      `  wall-time ratio: build ${ratio.toFixed(2)}x, whole analyze ${wholeRatio.toFixed(2)}x (target <= 1.15x: ${wholeRatio <= 1.15 ? 'met' : 'NOT met'})`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const invoked = process.argv[1] === fileURLToPath(import.meta.url);
if (invoked && process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4] === 'deps');
else if (invoked) await run();
