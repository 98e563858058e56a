// userRustflags must pick the user's flags from the same source cargo would, so adding ours loses nothing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cfgMatches, configuredTarget, userRustflags } from '../../src/cargo/rustflags.ts';
import { UserError } from '../../src/errors.ts';

const root = mkdtempSync(join(tmpdir(), 'asyncbloat-rustflags-'));
after(() => rmSync(root, { recursive: true, force: true }));
const home = join(root, 'cargo-home');
const outer = join(root, 'ws');
const inner = join(outer, 'member');
for (const d of [home, join(outer, '.cargo'), join(inner, '.cargo')]) mkdirSync(d, { recursive: true });
writeFileSync(join(home, 'config.toml'), '[build]\nrustflags = ["--cfg", "from_home"]\n');
writeFileSync(join(outer, '.cargo', 'config.toml'), '[build]\nrustflags = "--cfg from_outer"\n');
writeFileSync(join(inner, '.cargo', 'config.toml'), '[build]\nrustflags = ["--cfg", "from_inner"]\n');

const linux = new Set(['unix', 'target_os="linux"', 'target_arch="x86_64"', 'debug_assertions']);
const base = { env: { CARGO_HOME: home } as NodeJS.ProcessEnv, triple: 'x86_64-unknown-linux-gnu' };
const cfgs = async () => linux;

describe('userRustflags', () => {
  test('config build.rustflags are joined from CARGO_HOME outward to the closest directory', async () => {
    const r = await userRustflags({ ...base, dir: inner, cfgs });
    assert.deepEqual(r.flags, ['--cfg', 'from_home', '--cfg', 'from_outer', '--cfg', 'from_inner']);
    assert.match(r.source ?? '', /cargo-home\/config\.toml \(build\.rustflags\)/);
  });

  test('RUSTFLAGS replaces every config value, CARGO_ENCODED_RUSTFLAGS replaces RUSTFLAGS', async () => {
    const env = { ...base.env, RUSTFLAGS: '  -C  opt-level=1 ' };
    assert.deepEqual((await userRustflags({ ...base, env, dir: inner, cfgs })).flags, ['-C', 'opt-level=1']);
    const encoded = { ...env, CARGO_ENCODED_RUSTFLAGS: '--cfg\x1fa b' };
    const r = await userRustflags({ ...base, env: encoded, dir: inner, cfgs });
    assert.deepEqual(r.flags, ['--cfg', 'a b']);
    assert.equal(r.source, 'CARGO_ENCODED_RUSTFLAGS');
    const empty = await userRustflags({
      ...base,
      env: { ...env, CARGO_ENCODED_RUSTFLAGS: '' },
      dir: inner,
      cfgs,
    });
    assert.deepEqual(empty.flags, []);
  });

  test('target rustflags (triple and matching cfg) win over build.rustflags', async () => {
    const dir = join(root, 'targeted');
    mkdirSync(join(dir, '.cargo'), { recursive: true });
    writeFileSync(
      join(dir, '.cargo', 'config.toml'),
      [
        '[build]',
        'rustflags = ["--cfg", "from_build"]',
        '[target.x86_64-unknown-linux-gnu]',
        'rustflags = ["--cfg", "from_triple"]',
        "[target.'cfg(all(unix, not(windows)))']",
        'rustflags = ["--cfg", "from_cfg"]',
        '[target.\'cfg(target_os = "macos")\']',
        'rustflags = ["--cfg", "from_macos"]',
      ].join('\n'),
    );
    const r = await userRustflags({ ...base, env: { CARGO_HOME: join(root, 'none') }, dir, cfgs });
    assert.deepEqual([...r.flags].sort(), ['--cfg', '--cfg', 'from_cfg', 'from_triple']);
    // For another triple only the cfg table still matches.
    const other = await userRustflags({
      ...base,
      triple: 'aarch64-unknown-linux-gnu',
      env: { CARGO_HOME: join(root, 'none') },
      dir,
      cfgs,
    });
    assert.deepEqual(other.flags, ['--cfg', 'from_cfg']);
  });

  test('an embedded config: build.target decides which target rustflags apply', async () => {
    const dir = join(root, 'firmware');
    mkdirSync(join(dir, '.cargo'), { recursive: true });
    writeFileSync(
      join(dir, '.cargo', 'config.toml'),
      [
        '[build]',
        'target = "thumbv7em-none-eabihf"',
        '[target.thumbv7em-none-eabihf]',
        'rustflags = ["-C", "link-arg=-Tlink.x"]',
      ].join('\n'),
    );
    const env = { CARGO_HOME: join(root, 'none') };
    const triple = configuredTarget(dir, env);
    assert.equal(triple, 'thumbv7em-none-eabihf');
    assert.equal(
      configuredTarget(dir, { ...env, CARGO_BUILD_TARGET: 'riscv32imc-unknown-none-elf' }),
      'riscv32imc-unknown-none-elf',
    );
    assert.equal(configuredTarget(inner, base.env), undefined);
    const r = await userRustflags({ dir, env, triple: triple!, cfgs });
    assert.deepEqual(r.flags, ['-C', 'link-arg=-Tlink.x']);
  });

  test('cfg expressions', () => {
    assert.equal(cfgMatches('cfg(unix)', linux), true);
    assert.equal(cfgMatches('cfg(windows)', linux), false);
    assert.equal(cfgMatches('cfg(any(windows, target_os = "linux"))', linux), true);
    assert.equal(cfgMatches('cfg(all(unix, target_arch="aarch64"))', linux), false);
    assert.equal(cfgMatches('cfg(not(debug_assertions))', linux), false);
    assert.throws(() => cfgMatches('cfg(all(unix)', linux), UserError);
  });

  test('a malformed config is a UserError naming the file', async () => {
    const dir = join(root, 'bad');
    mkdirSync(join(dir, '.cargo'), { recursive: true });
    writeFileSync(join(dir, '.cargo', 'config.toml'), '[build\nrustflags = 1\n');
    await assert.rejects(userRustflags({ ...base, dir, cfgs }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /cannot read cargo config .*bad\/\.cargo\/config\.toml/);
      return true;
    });
  });
});
