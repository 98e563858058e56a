// Toolchain choice against the installed rustup toolchains; the expected versions are read from rustc itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { detectToolchain, parseRustcVersion } from '../../src/cargo/toolchain.ts';
import { UserError } from '../../src/cli/errors.ts';
import { commandWorks, has, need } from '../support/require.ts';

const firstLine = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  execFileSync('rustc', args, { encoding: 'utf8', env }).split('\n')[0];

describe('detectToolchain', () => {
  test("default: the user's own rustc, with RUSTC_BOOTSTRAP=1 unless it is a nightly", async () => {
    const tc = await detectToolchain();
    assert.equal(tc.version, firstLine(['-vV']));
    assert.equal(tc.bootstrap, tc.channel !== 'nightly' && tc.channel !== 'dev');
    assert.deepEqual(tc.env, tc.bootstrap ? { RUSTC_BOOTSTRAP: '1' } : {});
    assert.match(tc.host, /^[a-z0-9_]+-/);
  });

  test('preferNightly picks the installed rustup nightly', async (t) => {
    if (!need(t, 'a nightly toolchain (rustup toolchain install nightly)', has.nightly())) return;
    const tc = await detectToolchain({ preferNightly: true });
    assert.equal(tc.channel, 'nightly');
    assert.equal(tc.bootstrap, false);
    assert.equal(tc.version, firstLine(['+nightly', '-vV']));
    // The environment it returns really selects that compiler.
    assert.equal(firstLine(['-vV'], { ...process.env, ...tc.env }), tc.version);
  });

  test('an explicit RUSTC is respected and never swapped for nightly', async (t) => {
    if (!need(t, 'rustup', commandWorks('rustup', ['--version']))) return;
    const rustc = execFileSync('rustup', ['which', 'rustc', '--toolchain', 'stable'], {
      encoding: 'utf8',
    }).trim();
    const tc = await detectToolchain({ env: { ...process.env, RUSTC: rustc }, preferNightly: true });
    assert.equal(tc.channel, 'stable');
    assert.equal(tc.bootstrap, true);
  });

  test('parseRustcVersion rejects what is not rustc -vV output', () => {
    assert.throws(() => parseRustcVersion('cargo 1.95.0\n'), UserError);
    const v = parseRustcVersion(
      'rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n',
    );
    assert.deepEqual(v, {
      version: 'rustc 1.95.0 (59807616e 2026-04-14)',
      release: '1.95.0',
      host: 'x86_64-unknown-linux-gnu',
    });
  });
});
