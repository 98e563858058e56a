// Benchmark: `asyncbloat savings` (scan + fix loop on a scratch copy alongside the analysis build of a copy
// as it is, then the analysis build of the fixed copy in the same target dir) against its natural reference
// measured in the same run: two plain `cargo build`s of the same crate, one from clean and one of a touched
// copy sharing its target dir (the "rebuild only the changed crate" that savings does). Measured twice:
// cold, and again with the dependencies warm (savings keeps its own target dir between runs; the plain
// reference rebuilds both touched copies). Target: <= 1.3x. A crate without dependencies (the example)
// has its two analysis builds run side by side in their own target dirs; one with dependencies shares one.
// Crates: the example crate (examples/firmware-demo) and the tokio fixture app. The tokio app has no
// fixable async fn of its own, so the copy used here gets one appended (a private no-await fn), or savings
// would skip its second build and the comparison would flatter it.
// Run: node --import tsx bench/savings.ts
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureSavings, type SavingsRun } from '../src/fix/measure-savings.ts';

const EXAMPLE = fileURLToPath(new URL('../examples/firmware-demo/', import.meta.url));
const TOKIO_APP = fileURLToPath(new URL('../test/fixtures/crates/tokio-app/', import.meta.url));

function copyCrate(src: string, into: string): string {
  cpSync(src, into, { recursive: true, filter: (s) => !/[/\\]target$/.test(s) });
  return into;
}

function touchAll(dir: string): void {
  const now = new Date();
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) touchAll(p);
    else utimesSync(p, now, now);
  }
}

function cargoBuild(dir: string, targetDir: string): number {
  const start = performance.now();
  const r = spawnSync('cargo', ['build', '--offline'], {
    cwd: dir,
    env: { ...process.env, CARGO_TARGET_DIR: targetDir },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`cargo build in ${dir} failed:\n${r.stderr}`);
  return (performance.now() - start) / 1000;
}

async function timedSavings(crate: string, targetDir: string) {
  const start = performance.now();
  const run = await measureSavings({
    build: {
      manifestPath: crate,
      offline: true,
      env: { ...process.env, CARGO_TARGET_DIR: targetDir },
      log: () => {},
      progress: false,
    },
  });
  return { run, seconds: (performance.now() - start) / 1000 };
}

function report(label: string, seconds: number, reference: number, run: SavingsRun): void {
  const ratio = seconds / reference;
  const p = run.seconds;
  console.log(
    `  ${label.padEnd(22)} wall ${seconds.toFixed(1)} s = ${ratio.toFixed(2)}x  (target <= 1.3x: ${ratio <= 1.3 ? 'met' : 'NOT met'})`,
  );
  console.log(
    run.parallel
      ? `  ${''.padEnd(22)} build as is ${p.before.toFixed(1)} s alongside scan+fix ${p.fix.toFixed(1)} s, then the fixed copy ${p.after.toFixed(1)} s (side by side: no dependencies to share)`
      : `  ${''.padEnd(22)} scan+fix ${p.fix.toFixed(1)} s alongside the build as is ${p.before.toFixed(1)} s, then the fixed copy ${p.after.toFixed(1)} s`,
  );
}

async function benchCrate(label: string, source: string, extra?: string): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'ab-bench-savings-'));
  try {
    const crate = copyCrate(source, join(root, 'crate'));
    if (extra) appendFileSync(join(crate, 'src/main.rs'), extra);
    const copy = copyCrate(crate, join(root, 'crate-copy'));

    // Reference: a clean build, then a touched copy rebuilt against the same target dir; then both again
    // with the dependencies warm (each copy touched, so its crate is rebuilt, as savings rebuilds its copies).
    const refTarget = join(root, 'ref-target');
    const clean = cargoBuild(crate, refTarget);
    touchAll(copy);
    const changed = cargoBuild(copy, refTarget);
    touchAll(crate);
    const warm1 = cargoBuild(crate, refTarget);
    touchAll(copy);
    const warm2 = cargoBuild(copy, refTarget);

    const savingsTarget = join(root, 'savings-target');
    const cold = await timedSavings(crate, savingsTarget);
    const warm = await timedSavings(crate, savingsTarget);
    const t = cold.run.savings.totals.futureBytes;
    console.log(`${label}: ${cold.run.fixes.length} fixes; futures ${t.base ?? '-'} -> ${t.head ?? '-'} B`);
    console.log(
      `  2 plain cargo builds   cold: ${(clean + changed).toFixed(1)} s (clean ${clean.toFixed(1)} s + changed crate ${changed.toFixed(1)} s); warm: ${(warm1 + warm2).toFixed(1)} s  (references)`,
    );
    report('savings, cold', cold.seconds, clean + changed, cold.run);
    report('savings, deps warm', warm.seconds, warm1 + warm2, warm.run);
    if (!cold.run.after) console.log('  (no fixes: savings built once only)');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await benchCrate('examples/firmware-demo', EXAMPLE);
  await benchCrate(
    'test/fixtures/crates/tokio-app (+1 fixable fn in the copy)',
    TOKIO_APP,
    '\n#[allow(dead_code)]\nasync fn bench_no_await(x: u32) -> u32 {\n    x + 1\n}\n',
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
