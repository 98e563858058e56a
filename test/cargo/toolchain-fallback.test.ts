// The default plan on a crate the installed nightly cannot build: `nightly-probe` enables a feature no
// rustc knows when its build script sees a nightly (what proc-macro2 1.0.47 does with the removed
// `proc_macro_span_shrink`). Real builds with both toolchains; the fallback must be said, remembered, and
// never hide an error of the crate's own.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type BuildArtifacts, buildForAnalysis, CargoBuildError } from '../../src/cargo/build.ts';
import { measureSavings } from '../../src/fix/measure-savings.ts';
import { scan } from '../../src/scan/index.ts';
import { has, need } from '../support/require.ts';

const app = fileURLToPath(new URL('../fixtures/crates/nightly-breaks/app/', import.meta.url));
const broken = fileURLToPath(new URL('../fixtures/crates/broken/', import.meta.url));
const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'asyncbloat-fallback-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function envFor(targetDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CARGO_TARGET_DIR: targetDir };
  delete env.RUSTC;
  delete env.RUSTUP_TOOLCHAIN;
  delete env.RUSTUP_TOOLCHAIN_SOURCE;
  return env;
}

/** Build options for the fixture app into `target`, with cargo's messages collected in `log`. */
function quietBuild(target: string) {
  const log: string[] = [];
  const options = {
    manifestPath: app,
    env: envFor(target),
    log: (s: string) => log.push(s),
    progress: false,
  };
  return { options, log };
}

const nightlyVersion = () => execFileSync('rustc', ['+nightly', '-V'], { encoding: 'utf8' }).trim();
const stableIsDefault = () => !/nightly/.test(execFileSync('rustc', ['-V'], { encoding: 'utf8' }));

describe('falling back from the installed nightly', () => {
  test('a dependency that breaks on nightly: built with your toolchain instead, said, and remembered', async (t) => {
    if (!need(t, 'a nightly toolchain', has.nightly())) return;
    if (!stableIsDefault())
      return t.skip('the default toolchain is itself a nightly: nothing to fall back to');
    const target = join(scratch, 'auto');
    const { options, log } = quietBuild(target);

    const first: BuildArtifacts = await buildForAnalysis({ ...options, progress: true });
    assert.equal(first.fallback?.toolchain, nightlyVersion());
    assert.match(
      first.fallback?.reason ?? '',
      /^`nightly-probe` did not compile: error\[E0635\]: unknown feature/,
    );
    assert.equal(first.toolchain.bootstrap, true);
    assert.equal(first.toolchain.version, execFileSync('rustc', ['-V'], { encoding: 'utf8' }).trim());
    // The nightly's errors were held back: they are not this crate's problem. Its progress was shown, and
    // the fallback's status line says why the build runs again.
    assert.doesNotMatch(log.join(''), /E0635/);
    assert.match(log.join(''), /Compiled \d+(\/\d+)? \S+ \(asyncbloat analysis build\)/);
    assert.match(
      log.join(''),
      /Compiled \d+(\/\d+)? nightly_probe \(asyncbloat analysis build, 1\.\d+\.\d+: the nightly could not build it\)/,
    );
    // The analysis itself is complete: the app's future was laid out by the fallback compiler.
    const appUnit = first.crates.find((c) => c.crateName === 'nightly_breaks_app');
    assert.ok(appUnit && appUnit.typeSizes.length === 1 && appUnit.mir.length > 0);
    assert.match(readFileSync(appUnit.typeSizes[0] as string, 'utf8'), /\{async fn body of double\(\)\}/);

    const memory = join(target, 'asyncbloat', 'nightly-failed.json');
    const record = JSON.parse(readFileSync(memory, 'utf8'));
    assert.equal(record.nightly, nightlyVersion());
    assert.match(record.lockfile, /^[0-9a-f]{64}$/);

    // The next run does not pay for the nightly again: its target dir is gone and stays gone.
    rmSync(join(target, 'asyncbloat', 'members-nightly'), { recursive: true, force: true });
    const second = await buildForAnalysis(options);
    assert.equal(second.fallback?.reason, first.fallback?.reason);
    assert.equal(second.fallback?.rememberedIn, memory);
    assert.equal(first.fallback?.rememberedIn, undefined);
    assert.equal(existsSync(join(target, 'asyncbloat', 'members-nightly')), false);
    assert.equal(second.toolchain.version, first.toolchain.version);
  });

  test('--nightly insists: the nightly error is the result; --no-nightly never tries it', async (t) => {
    if (!need(t, 'a nightly toolchain', has.nightly())) return;
    const target = join(scratch, 'forced');
    const { options, log } = quietBuild(target);
    await assert.rejects(
      buildForAnalysis({ ...options, nightly: true }),
      (e: unknown) =>
        e instanceof CargoBuildError &&
        /E0635/.test(e.stderr) &&
        /without --nightly asyncbloat falls back/.test(e.help ?? ''),
    );
    assert.match(log.join(''), /E0635/);
    const own = await buildForAnalysis({ ...options, nightly: false });
    assert.equal(own.fallback, undefined);
    assert.equal(own.toolchain.reason, '--no-nightly');
    assert.equal(existsSync(join(target, 'asyncbloat', 'nightly-failed.json')), false);
  });

  test("a crate with an error of its own fails on both, shows the fallback's errors, and is not remembered", async (t) => {
    if (!need(t, 'a nightly toolchain', has.nightly())) return;
    const target = join(scratch, 'broken');
    const log: string[] = [];
    await assert.rejects(
      buildForAnalysis({
        manifestPath: broken,
        env: envFor(target),
        log: (s: string) => log.push(s),
        progress: false,
      }),
      (e: unknown) => e instanceof CargoBuildError && /error(\[E\d+\])?:/.test(e.stderr),
    );
    // Shown once (the fallback's), not twice.
    assert.equal(log.join('').match(/^error: could not compile/gm)?.length, 1);
    assert.equal(existsSync(join(target, 'asyncbloat', 'nightly-failed.json')), false);
  });

  test('the CLI says which compiler built the crate and why, and JSON carries it', (t) => {
    if (!need(t, 'a nightly toolchain', has.nightly())) return;
    if (!stableIsDefault()) return t.skip('the default toolchain is itself a nightly');
    const r = spawnSync(process.execPath, [cli, 'analyze', app, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...envFor(join(scratch, 'cli')), NO_COLOR: '1' },
    });
    assert.equal(r.status, 0, r.stderr);
    const nightly = nightlyVersion();
    assert.ok(
      r.stderr.includes(
        `warning: ${nightly} could not build this crate (\`nightly-probe\` did not compile: error[E0635]`,
      ),
      r.stderr,
    );
    assert.match(r.stderr, /^note: pass --no-nightly to skip the nightly attempt/m);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.build.fallback.toolchain, nightly);
    assert.equal(doc.build.bootstrap, true);
    assert.equal(doc.build.toolchainReason, `fallback after ${nightly} failed`);
    assert.ok(
      doc.items.some((i: { name: string; futureBytes: number }) => i.name === 'double' && i.futureBytes > 0),
    );
  });
});

describe('savings shares what analyze learnt about the nightly', () => {
  test('a failure remembered by analyze is not paid for again by savings, whose copies build elsewhere', async (t) => {
    if (!need(t, 'a nightly toolchain', has.nightly())) return;
    if (!stableIsDefault()) return t.skip('the default toolchain is itself a nightly');
    const target = join(scratch, 'savings');
    const { options } = quietBuild(target);
    await buildForAnalysis(options);
    const memory = join(target, 'asyncbloat', 'nightly-failed.json');
    assert.ok(existsSync(memory));
    const run = await measureSavings({ build: options, scan: (p) => scan(p, { cache: false }) });
    assert.equal(run.before.build.fallback?.rememberedIn, memory);
    assert.equal(existsSync(join(target, 'asyncbloat-savings', 'asyncbloat', 'nightly-failed.json')), false);
  });
});
