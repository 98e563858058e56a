// Bad input to the build driver: each case must end in a UserError with an actionable message.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildForAnalysis, CargoBuildError } from '../../src/cargo/build.ts';
import { detectToolchain } from '../../src/cargo/toolchain.ts';
import { UserError } from '../../src/cli/errors.ts';

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
    assert.match(e.message, /could not build .*broken.* \(cargo exited with code 101\)/);
    const text = shown.join('');
    assert.match(text, /error\[E0308\]: mismatched types/);
    assert.match(text, /src\/lib\.rs:2:18/);
    assert.ok(e.stderr.includes('error[E0308]'));
    // cargo's progress lines are replaced by the status line, not printed.
    assert.doesNotMatch(text, /^\s+Compiling broken/m);
  });
});
