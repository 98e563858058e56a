// `fix --write` killed with SIGKILL (no handler runs) at random moments after it has recorded its journal:
// each of 20 runs must leave every file either its original or its complete rewrite, never a partial
// write, and the tree either original, fully rewritten, or put back by `fix --undo`. A run cut short is
// named by the next `fix --write`, which refuses to start over it. The crate has 60 modules with a
// single-await wrapper each, so the write phase is long enough for the kills to land inside it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { TempDirs, wrapperCrate } from './support.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const MODULES = 60;
const RUNS = 20;
const SEED = 20261204;

const temp = new TempDirs();
after(() => temp.removeAll());

/** The crate's source files (not the temporary files of a write in progress, which come and go). */
const sources = (crate: string) =>
  new Map(
    readdirSync(join(crate, 'src'))
      .filter((f) => f.endsWith('.rs') && !f.startsWith('.'))
      .map((f) => [f, readFileSync(join(crate, 'src', f))]),
  );

const cli = (crate: string, env: NodeJS.ProcessEnv, ...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'fix', crate, ...args], { env, encoding: 'utf8' });

test(`fix --write killed at ${RUNS} random moments: every file original or rewritten, and fix --undo restores`, async (t) => {
  const crate = wrapperCrate(temp, MODULES);
  const target = temp.make('ab-kill-target-');
  const env = { ...process.env, CARGO_TARGET_DIR: target, CARGO_INCREMENTAL: '0' };
  const journal = join(target, 'asyncbloat', 'fix-journal.json');
  const original = sources(crate);

  // One complete run: the rewrite every file must match, and how long a run lasts after its journal appears.
  const start = performance.now();
  const full = cli(crate, env, '--write');
  assert.equal(full.status, 0, full.stderr);
  const fullMs = performance.now() - start;
  const rewritten = sources(crate);
  const changed = [...original.keys()].filter((f) => !original.get(f)!.equals(rewritten.get(f)!));
  assert.equal(changed.length, MODULES, 'every module has its wrapper rewritten');
  const undone = cli(crate, env, '--undo');
  assert.equal(undone.status, 0, undone.stderr);
  assert.deepEqual(sources(crate), original, 'fix --undo takes back a finished fix');

  // Half the kills land in the first 40 ms after the journal (the write phase), half anywhere in the run.
  const delays = fc.sample(
    fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: Math.ceil(fullMs) })),
    { seed: SEED, numRuns: RUNS },
  );
  const outcomes = { original: 0, rewritten: 0, partial: 0, cutShort: 0 };
  for (const [run, delay] of delays.entries()) {
    // Every other run without the checks: its writes come sooner (the checked runs cover a kill during
    // the `cargo check` after the writes).
    const args = [CLI, 'fix', crate, '--write', ...(run % 2 === 1 ? ['--no-verify'] : [])];
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    while (!existsSync(journal) && child.exitCode === null) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    const code = await exited;
    // Either killed, or it finished first (a delay past the run's end).
    assert.ok(code === null || code === 0, `run ${run} failed on its own with exit code ${code}`);

    const now = sources(crate);
    const what = `run ${run} (killed ${delay} ms after the journal)`;
    let rewrittenFiles = 0;
    for (const [file, bytes] of original) {
      const isOriginal = now.get(file)?.equals(bytes);
      const isRewrite = now.get(file)?.equals(rewritten.get(file)!);
      assert.ok(isOriginal || isRewrite, `${what}: ${file} is neither the original nor the rewrite`);
      if (isRewrite && !isOriginal) rewrittenFiles++;
    }
    const state = existsSync(journal) ? JSON.parse(readFileSync(journal, 'utf8')).state : undefined;
    if (rewrittenFiles === 0) outcomes.original++;
    else if (rewrittenFiles === MODULES) outcomes.rewritten++;
    else outcomes.partial++;
    if (state === 'writing') {
      outcomes.cutShort++;
      // The next fix --write names the cut-short run and writes nothing.
      const refused = cli(crate, env, '--write');
      assert.equal(refused.status, 2, `${what}: ${refused.stderr}`);
      assert.match(
        refused.stderr,
        new RegExp(`cut short: ${rewrittenFiles} of its ${MODULES} file\\(s\\) are rewritten`),
      );
      assert.match(refused.stderr, /fix --undo/);
    } else {
      // No journal, or a finished fix: the tree is all original or all rewritten.
      assert.ok(
        rewrittenFiles === 0 || rewrittenFiles === MODULES,
        `${what}: ${rewrittenFiles} files rewritten`,
      );
    }
    if (state !== undefined) {
      const undo = cli(crate, env, '--undo');
      assert.equal(undo.status, 0, `${what}: ${undo.stderr}`);
    }
    assert.deepEqual(sources(crate), original, `${what}: the tree is original again`);
    assert.equal(existsSync(journal), false, `${what}: the journal is gone once undone`);
    assert.deepEqual(
      readdirSync(join(crate, 'src')).filter((f) => f.endsWith('.tmp')),
      [],
      `${what}: no temporary files`,
    );
  }
  t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}`);
  // Every kill came after the journal, so each run exercised recovery; some must have cut the writes short.
  assert.ok(outcomes.cutShort > 0, `no run was cut short: ${JSON.stringify(outcomes)}`);
  const check = spawnSync('cargo', ['check', '--quiet'], { cwd: crate, env, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  test(`${signal} during fix --write: the rewritten files are restored, the journal and scratch copies removed, exit ${code}`, async () => {
    const crate = wrapperCrate(temp, MODULES);
    const target = temp.make('ab-signal-target-');
    const tmp = temp.make('ab-signal-tmp-');
    const env = { ...process.env, CARGO_TARGET_DIR: target, CARGO_INCREMENTAL: '0', TMPDIR: tmp };
    const journal = join(target, 'asyncbloat', 'fix-journal.json');
    const original = sources(crate);
    const child = spawn(process.execPath, [CLI, 'fix', crate, '--write'], { env, stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    // Once some files are rewritten (the write phase or the check after it), interrupt the run.
    const rewrittenSome = () => [...sources(crate)].some(([f, b]) => !original.get(f)!.equals(b));
    while (!(existsSync(journal) && rewrittenSome()) && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 1));
    assert.equal(child.exitCode, null, 'the run was still going when files were rewritten');
    child.kill(signal);
    assert.equal(await exited, code);
    assert.deepEqual(sources(crate), original);
    assert.equal(existsSync(journal), false);
    assert.deepEqual(readdirSync(tmp), []);
  });
}
