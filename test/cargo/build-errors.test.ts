// Bad input to the build driver: each case must end in a UserError with an actionable message.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildForAnalysis, CargoBuildError } from '../../src/cargo/build.ts';
import { buildErrorHelp } from '../../src/cargo/build-error-help.ts';
import { detectToolchain } from '../../src/cargo/toolchain.ts';
import { UserError } from '../../src/errors.ts';

const crates = fileURLToPath(new URL('../fixtures/crates/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'asyncbloat-build-errors-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const quiet = { progress: false, log: () => {} };

async function userError(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${(e as Error).stack}`);
    return e;
  }
  assert.fail('expected the build to fail');
}

describe('build driver: bad input', () => {
  test('a directory that is not a crate', async () => {
    const e = await userError(buildForAnalysis({ ...quiet, cwd: scratch }));
    assert.match(e.message, /cannot read the cargo workspace at .*could not find `Cargo.toml`/);
    assert.match(e.help ?? '', /--manifest-path/);
  });

  test('a manifest path that does not exist', async () => {
    const e = await userError(buildForAnalysis({ ...quiet, manifestPath: join(scratch, 'nope') }));
    assert.match(e.message, /^no Cargo.toml at .*nope\/Cargo.toml|^no Cargo.toml at .*nope$/);
  });

  test('--release together with another --profile', async () => {
    const e = await userError(
      buildForAnalysis({ ...quiet, manifestPath: join(crates, 'broken'), release: true, profile: 'bench' }),
    );
    assert.match(e.message, /conflicting usage of --profile=bench and --release/);
  });

  test('cargo missing from PATH', async () => {
    const env = { ...process.env, PATH: join(scratch, 'empty') };
    const e = await userError(buildForAnalysis({ ...quiet, manifestPath: join(crates, 'broken'), env }));
    assert.match(e.message, /^cargo was not found on PATH; install Rust with rustup/);
  });

  test('rustc missing from PATH while cargo is there', async () => {
    const bin = join(scratch, 'only-cargo');
    execFileSync('mkdir', ['-p', bin]);
    const cargo = execFileSync('sh', ['-c', 'command -v cargo'], { encoding: 'utf8' }).trim();
    symlinkSync(cargo, join(bin, 'cargo'));
    const e = await userError(detectToolchain({ env: { ...process.env, PATH: bin } }));
    assert.match(e.message, /^rustc was not found on PATH/);
  });

  test('a crate that does not compile: rustc’s error is shown and the build fails', async () => {
    const shown: string[] = [];
    const targetDir = join(scratch, 'target');
    const e = await userError(
      buildForAnalysis({
        manifestPath: join(crates, 'broken'),
        env: { ...process.env, CARGO_TARGET_DIR: targetDir },
        progress: false,
        log: (s) => shown.push(s),
      }),
    );
    assert.ok(e instanceof CargoBuildError);
    assert.match(
      e.message,
      /could not build .*broken.* for analysis with rustc \S+.*, .+ \(cargo exited with code 101\)/,
    );
    const text = shown.join('');
    assert.match(text, /error\[E0308\]: mismatched types/);
    assert.match(text, /src\/lib\.rs:2:18/);
    assert.ok(e.stderr.includes('error[E0308]'));
    // cargo's progress lines are replaced by the status line, not printed.
    assert.doesNotMatch(text, /^\s+Compiling broken/m);
  });

  test('a crate that does not compile says so, and `cargo build` shows the same', async () => {
    const e = await userError(
      buildForAnalysis({
        ...quiet,
        manifestPath: join(crates, 'broken'),
        env: { ...process.env, CARGO_TARGET_DIR: join(scratch, 'target') },
      }),
    );
    assert.match(e.help ?? '', /asyncbloat analyses a crate that builds/);
  });

  // A wrong flag is not a broken crate: cargo's own error, then help about the flag.
  const workspace = join(crates, 'driver-lib');
  const wrongFlags: [string, Record<string, unknown>, RegExp][] = [
    ['an undefined --profile', { profile: 'firmwar' }, /the profile is not defined: add a \[profile\.NAME\]/],
    ['an unknown -p package', { package: ['apq'] }, /-p takes the name of a workspace member/],
    [
      'an --example the package does not have',
      { package: ['driver-app'], example: ['nope'] },
      /target selection/,
    ],
    ['--bin on a library-only package', { package: ['driver-core'], bin: ['nope'] }, /target selection/],
  ];
  for (const [what, flags, help] of wrongFlags) {
    test(`${what}: help about the flag, not about the crate`, async () => {
      const e = await userError(
        buildForAnalysis({
          ...quiet,
          ...flags,
          manifestPath: workspace,
          env: { ...process.env, CARGO_TARGET_DIR: join(scratch, 'flags') },
        }),
      );
      assert.ok(e instanceof CargoBuildError);
      assert.match(e.help ?? '', help);
    });
  }
});

describe('build error help from cargo’s text', () => {
  const own = {
    version: 'rustc 1.95.0',
    release: '1.95.0',
    host: 'x86_64-unknown-linux-gnu',
    channel: 'stable' as const,
    bootstrap: true,
    env: { RUSTC_BOOTSTRAP: '1' },
    reason: 'no nightly toolchain is installed',
  };
  test('a target that is not installed: the rustup command, for the toolchain that builds', () => {
    // rustc's words when the target's std is missing (E0463), as cargo shows them.
    const stderr =
      "error[E0463]: can't find crate for `core`\n  = note: the `thumbv7em-none-eabihf` target may not be installed\n";
    assert.equal(
      buildErrorHelp(stderr, own),
      'install the target for the toolchain that builds the analysis: `rustup target add thumbv7em-none-eabihf`',
    );
    const nightly = {
      ...own,
      channel: 'nightly' as const,
      env: { RUSTUP_TOOLCHAIN: 'nightly' },
      reason: 'x',
    };
    assert.match(
      buildErrorHelp(stderr, nightly),
      /rustup target add thumbv7em-none-eabihf --toolchain nightly`$/,
    );
  });

  test('--nightly that fails: how to let asyncbloat fall back', () => {
    const nightly = {
      ...own,
      channel: 'nightly' as const,
      env: { RUSTUP_TOOLCHAIN: 'nightly' },
      reason: '--nightly',
    };
    assert.match(
      buildErrorHelp('error[E0635]: unknown feature\n', nightly),
      /without --nightly asyncbloat falls back/,
    );
  });
});
