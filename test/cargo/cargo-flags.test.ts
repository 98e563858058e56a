// The shared cargo flags: parsed by a real commander command, mapped to build options and to the
// arguments cargo receives.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Command } from 'commander';
import { type BuildOptions, cargoBuildArgs } from '../../src/cargo/build.ts';
import { addCargoFlags, type CargoFlagValues, toBuildOptions } from '../../src/cli/cargo-flags.ts';
import { UserError } from '../../src/errors.ts';

function parse(argv: string[]): { options: BuildOptions; path: string | undefined } {
  let result: { options: BuildOptions; path: string | undefined } | undefined;
  const cmd = addCargoFlags(new Command('analyze').argument('[path]').exitOverride()).action(
    (path: string | undefined, values: CargoFlagValues) => {
      result = { options: toBuildOptions(values, path), path };
    },
  );
  cmd.parse(argv, { from: 'user' });
  assert.ok(result);
  return result;
}

describe('cargo flags', () => {
  test('no flags: no options', () => {
    assert.deepEqual(parse([]).options, {});
  });

  test('every flag maps to its build option', () => {
    const { options } = parse([
      '--manifest-path',
      'ws/Cargo.toml',
      '-p',
      'a',
      '--package',
      'b',
      '--workspace',
      '-F',
      'x,y',
      '--features',
      'z w',
      '--all-features',
      '--no-default-features',
      '--target',
      'thumbv7em-none-eabihf',
      '--profile',
      'bench',
      '--lib',
      '--bin',
      'one',
      '--bin',
      'two',
      '--example',
      'ex',
      '--offline',
      '--deps',
      '--nightly',
    ]);
    assert.deepEqual(options, {
      manifestPath: 'ws/Cargo.toml',
      package: ['a', 'b'],
      workspace: true,
      features: ['x', 'y', 'z', 'w'],
      allFeatures: true,
      noDefaultFeatures: true,
      target: 'thumbv7em-none-eabihf',
      profile: 'bench',
      lib: true,
      bin: ['one', 'two'],
      example: ['ex'],
      offline: true,
      deps: true,
      nightly: true,
    });
    assert.deepEqual(cargoBuildArgs(options), [
      '--manifest-path',
      'ws/Cargo.toml',
      '--package',
      'a',
      '--package',
      'b',
      '--workspace',
      '--features',
      'x,y,z,w',
      '--all-features',
      '--no-default-features',
      '--target',
      'thumbv7em-none-eabihf',
      '--profile',
      'bench',
      '--lib',
      '--bin',
      'one',
      '--bin',
      'two',
      '--example',
      'ex',
      '--offline',
    ]);
  });

  test('repeatable flags do not swallow the positional path', () => {
    const { options, path } = parse(['-F', 'a', 'crates/app', '--bin', 'x']);
    assert.equal(path, 'crates/app');
    assert.deepEqual(options, { manifestPath: 'crates/app', features: ['a'], bin: ['x'] });
  });

  test('--no-nightly asks for the own toolchain; neither flag leaves the choice to the default plan', () => {
    assert.equal(parse(['--no-nightly']).options.nightly, false);
    assert.equal('nightly' in parse([]).options, false);
  });

  test('--nightly with --no-nightly is refused, in either order', () => {
    for (const argv of [
      ['--nightly', '--no-nightly'],
      ['--no-nightly', '--nightly'],
    ]) {
      assert.throws(
        () => parse(argv),
        (e: unknown) => e instanceof UserError && /cannot be used with/.test(e.message),
      );
    }
  });

  test('--release maps to the release profile', () => {
    const { options } = parse(['--release']);
    assert.deepEqual(cargoBuildArgs(options), ['--profile', 'release']);
  });

  test('conflicts are UserErrors', () => {
    assert.throws(() => parse(['--release', '--profile', 'dev']), UserError);
    assert.throws(() => parse(['--manifest-path', 'a/Cargo.toml', 'b']), UserError);
  });
});
