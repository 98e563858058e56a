// The toolchain plan against the installed rustup toolchains; the expected versions are read from rustc
// itself. A fake rustc on PATH stands in for a machine without rustup's nightly.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  chosenToolchain,
  detectToolchain,
  parseRustcVersion,
  planToolchains,
} from '../../src/cargo/toolchain.ts';
import { UserError } from '../../src/errors.ts';
import { commandWorks, has, need } from '../support/require.ts';

const firstLine = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  execFileSync('rustc', args, { encoding: 'utf8', env }).split('\n')[0];

const scratch = mkdtempSync(join(tmpdir(), 'asyncbloat-toolchain-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** process.env without what a surrounding `cargo` or the shell may have set to pick a toolchain. */
function unpinnedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.RUSTC;
  delete env.RUSTUP_TOOLCHAIN;
  delete env.RUSTUP_TOOLCHAIN_SOURCE;
  return env;
}

describe('planToolchains', () => {
  test('default with a nightly installed: the nightly first, your toolchain with RUSTC_BOOTSTRAP=1 as fallback', async (t) => {
    if (!need(t, 'a nightly toolchain (rustup toolchain install nightly)', has.nightly())) return;
    const env = unpinnedEnv();
    const own = firstLine(['-vV'], env);
    if (/nightly/.test(own ?? '')) return t.skip('the default toolchain is itself a nightly');
    const plan = await planToolchains({ env, cwd: scratch });
    assert.equal(plan.length, 2);
    const [nightly, fallback] = plan;
    assert.equal(nightly?.channel, 'nightly');
    assert.equal(nightly?.bootstrap, false);
    assert.equal(nightly?.reason, 'the installed nightly');
    assert.equal(nightly?.version, firstLine(['+nightly', '-vV']));
    // The environment it returns really selects that compiler.
    assert.equal(firstLine(['-vV'], { ...env, ...nightly?.env }), nightly?.version);
    assert.equal(fallback?.version, own);
    assert.equal(fallback?.bootstrap, true);
    assert.deepEqual(fallback?.env, { RUSTC_BOOTSTRAP: '1' });
    assert.equal((await detectToolchain({ env, cwd: scratch })).version, nightly?.version);
  });

  test("--no-nightly: only the user's own rustc, with RUSTC_BOOTSTRAP=1 unless it is a nightly", async () => {
    const plan = await planToolchains({ env: unpinnedEnv(), cwd: scratch, choice: 'own' });
    assert.equal(plan.length, 1);
    const [tc] = plan;
    assert.equal(tc?.version, firstLine(['-vV'], unpinnedEnv()));
    assert.equal(tc?.bootstrap, tc?.channel !== 'nightly' && tc?.channel !== 'dev');
    assert.deepEqual(tc?.env, tc?.bootstrap ? { RUSTC_BOOTSTRAP: '1' } : {});
    assert.match(tc?.host ?? '', /^[a-z0-9_]+-/);
  });

  test('--nightly: only the nightly, no fallback', async (t) => {
    if (!need(t, 'a nightly toolchain', has.nightly())) return;
    const plan = await planToolchains({ env: unpinnedEnv(), cwd: scratch, choice: 'nightly' });
    assert.deepEqual(
      plan.map((p) => [p.channel, p.reason]),
      [['nightly', '--nightly']],
    );
  });

  test('a rust-toolchain.toml pin is honoured like cargo honours it; --nightly still overrides it', async (t) => {
    if (!need(t, 'rustup', commandWorks('rustup', ['--version']))) return;
    const dir = join(scratch, 'pinned');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'rust-toolchain.toml'), '[toolchain]\nchannel = "stable"\n');
    const plan = await planToolchains({ env: unpinnedEnv(), cwd: dir });
    assert.equal(plan.length, 1);
    assert.equal(plan[0]?.channel, 'stable');
    assert.equal(plan[0]?.bootstrap, true);
    assert.match(plan[0]?.reason ?? '', /selected by .*pinned[/\\]rust-toolchain\.toml/);
    if (has.nightly()) {
      const forced = await planToolchains({ env: unpinnedEnv(), cwd: dir, choice: 'nightly' });
      assert.equal(forced[0]?.channel, 'nightly');
    }
  });

  test('an explicit RUSTC is respected and never swapped for nightly; --nightly with it is an error', async (t) => {
    if (!need(t, 'rustup', commandWorks('rustup', ['--version']))) return;
    const rustc = execFileSync('rustup', ['which', 'rustc', '--toolchain', 'stable'], {
      encoding: 'utf8',
    }).trim();
    const env = { ...unpinnedEnv(), RUSTC: rustc };
    const plan = await planToolchains({ env, cwd: scratch });
    assert.deepEqual(
      plan.map((p) => [p.channel, p.bootstrap, p.reason.startsWith(`selected by RUSTC=${rustc}`)]),
      [['stable', true, true]],
    );
    await assert.rejects(planToolchains({ env, cwd: scratch, choice: 'nightly' }), UserError);
  });

  test('without a rustup nightly: your toolchain, said why; --nightly is an error that says how to get one', async () => {
    // A rustc that knows nothing of RUSTUP_TOOLCHAIN, like a distribution's or a hand-built one.
    const bin = join(scratch, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    const fake = join(bin, 'rustc');
    writeFileSync(
      fake,
      '#!/bin/sh\nprintf "rustc 1.95.0 (59807616e 2026-04-14)\\nbinary: rustc\\nhost: x86_64-unknown-linux-gnu\\nrelease: 1.95.0\\n"\n',
    );
    chmodSync(fake, 0o755);
    const env = { ...unpinnedEnv(), PATH: `${bin}${delimiter}${process.env.PATH}` };
    const plan = await planToolchains({ env, cwd: scratch });
    assert.deepEqual(
      plan.map((p) => [p.version, p.bootstrap, p.reason]),
      [['rustc 1.95.0 (59807616e 2026-04-14)', true, 'no nightly toolchain is installed']],
    );
    await assert.rejects(
      planToolchains({ env, cwd: scratch, choice: 'nightly' }),
      (e: unknown) => e instanceof UserError && /rustup toolchain install nightly/.test(e.help ?? ''),
    );
  });
});

describe('chosenToolchain', () => {
  test('what selects a toolchain, as rustup sees it', () => {
    const none = join(scratch, 'none');
    execFileSync('mkdir', ['-p', none]);
    assert.equal(chosenToolchain({}, none), undefined);
    assert.equal(chosenToolchain({ RUSTC: '/opt/rustc' }, none), 'RUSTC=/opt/rustc');
    // `cargo +stable asyncbloat` and a user's own RUSTUP_TOOLCHAIN are choices...
    assert.equal(
      chosenToolchain({ RUSTUP_TOOLCHAIN: 'stable', RUSTUP_TOOLCHAIN_SOURCE: 'cli' }, none),
      '+stable',
    );
    assert.equal(chosenToolchain({ RUSTUP_TOOLCHAIN: 'beta' }, none), 'RUSTUP_TOOLCHAIN=beta');
    // ...rustup passing its default on to `cargo asyncbloat` is not.
    assert.equal(
      chosenToolchain({ RUSTUP_TOOLCHAIN: 'stable', RUSTUP_TOOLCHAIN_SOURCE: 'default' }, none),
      undefined,
    );
    const nested = join(scratch, 'pin-old', 'crate', 'src');
    execFileSync('mkdir', ['-p', nested]);
    writeFileSync(join(scratch, 'pin-old', 'rust-toolchain'), 'stable\n');
    assert.equal(chosenToolchain({}, nested), join(scratch, 'pin-old', 'rust-toolchain'));
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
