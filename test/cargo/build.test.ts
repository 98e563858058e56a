// buildForAnalysis on the two-member driver-lib workspace: one real cargo build shared by the tests, a
// second run on the unchanged workspace (everything fresh), and a third with other package/feature flags.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type BuildArtifacts,
  buildForAnalysis,
  type CrateOutputs,
  isCargoStatusLine,
} from '../../src/cargo/build.ts';
import { unitEstimate } from '../../src/cargo/progress.ts';
import { mirText } from '../support/analysis-checks.ts';

const fixture = fileURLToPath(new URL('../fixtures/crates/driver-lib/', import.meta.url));
const targetRoot = mkdtempSync(join(tmpdir(), 'asyncbloat-driver-'));
const env = { ...process.env, CARGO_TARGET_DIR: targetRoot };
const log: string[] = [];
const options = { manifestPath: fixture, env, log: (s: string) => log.push(s), progress: false };

let first: BuildArtifacts;
let second: BuildArtifacts;
let featured: BuildArtifacts;
let targeted: BuildArtifacts;
const statusLog: string[] = [];

before(async () => {
  first = await buildForAnalysis(options);
  second = await buildForAnalysis(options);
  featured = await buildForAnalysis({ ...options, package: ['driver-core'], features: ['extra'] });
  await buildForAnalysis({ ...options, progress: true, log: (s: string) => statusLog.push(s) });
  targeted = await buildForAnalysis({ ...options, package: ['driver-core'], target: first.toolchain.host });
});
after(() => rmSync(targetRoot, { recursive: true, force: true }));

function unit(r: BuildArtifacts, crate: string, kind: string): CrateOutputs {
  const found = r.crates.find((c) => c.crateName === crate && c.kind.includes(kind));
  assert.ok(found, `${crate} (${kind}) in ${r.crates.map((c) => `${c.crateName}/${c.kind}`).join(', ')}`);
  return found;
}

/** Every `.rs` file under a directory, as text. */
function sources(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.rs'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

/** Coroutine types rustc laid out in a capture: the header lines of `{async ...}` types. */
function coroutineTypes(captured: string): string[] {
  return [...captured.matchAll(/^print-type-size type: `(\{async .*?\})`: \d+ bytes/gm)].map((m) => m[1]!);
}

describe('buildForAnalysis on a workspace', () => {
  test('returns the three member units (two libs, one bin) and nothing else', () => {
    const names = first.crates.map((c) => `${c.packageName}:${c.crateName}:${c.kind.join('+')}`).sort();
    assert.deepEqual(names, [
      'driver-app:driver_app:bin',
      'driver-app:driver_app:lib',
      'driver-core:driver_core:lib',
    ]);
    assert.ok(first.crates.every((c) => c.member));
    assert.equal(first.profile, 'dev');
    // A toolchain other than the user's (the installed nightly, by default) builds in a dir of its own.
    const suffix = first.toolchain.env.RUSTUP_TOOLCHAIN ? `-${first.toolchain.env.RUSTUP_TOOLCHAIN}` : '';
    assert.equal(first.targetDir, join(targetRoot, 'asyncbloat', `members${suffix}`));
    assert.deepEqual(first.warnings, []);
    assert.match(first.toolchain.version, /^rustc \d+\.\d+/);
  });

  test('each unit has its own MIR with its own poll bodies', () => {
    const expected: [string, string, string][] = [
      ['driver_core', 'lib', 'core_buffered::{closure#0}'],
      ['driver_app', 'lib', 'app_lib_step::{closure#0}'],
      ['driver_app', 'bin', 'app_main_flow::{closure#0}'],
    ];
    for (const [crate, kind, poll] of expected) {
      const u = unit(first, crate, kind);
      // One file per body, in the unit's own dump dir (named like its .rlib: `<crate>-<hash>`).
      assert.ok(u.mir.length > 1, `${crate} ${kind}: ${u.mir.length} MIR files`);
      const dir = join(first.targetDir, 'captures', 'mir', u.unit!);
      assert.ok(
        u.mir.every((f) => dirname(f) === dir),
        u.mir[0],
      );
      assert.ok(mirText(u.mir).includes(`fn ${poll}(_1: `), `${poll} in ${dir}`);
    }
    // The lib and the bin of driver-app share a crate name but are different units with different MIR.
    assert.notEqual(
      dirname(unit(first, 'driver_app', 'lib').mir[0]!),
      dirname(unit(first, 'driver_app', 'bin').mir[0]!),
    );
  });

  test("each capture holds rustc's type sizes, and the crate's own coroutines come from its own source", () => {
    for (const u of first.crates) {
      assert.equal(u.typeSizes.length, 1, u.crateName);
      const captured = readFileSync(u.typeSizes[0]!, 'utf8');
      assert.ok(captured.length > 0);
      assert.ok(
        captured.split('\n').every((l) => l === '' || l.startsWith('print-type-size ')),
        'only type-size lines are captured',
      );
      const source = sources(dirname(u.srcPath));
      // Types printed without a crate path (`{async fn body of core_leaf()}`, `{async block@core/src/lib.rs:..}`)
      // are this crate's own; others' look like `{async block@driver_core::core_block::{closure#0}}`.
      const own = coroutineTypes(captured).filter((t) => !/^\{async (fn body of |block@)[a-z_]+::/.test(t));
      assert.ok(own.length > 0, `${u.crateName} prints its own coroutines`);
      for (const t of own) {
        const fn = /^\{async fn body of ([A-Za-z_][A-Za-z0-9_]*)\(\)\}$/.exec(t)?.[1];
        const block = /^\{async block@([^:]+):\d+:\d+: /.exec(t)?.[1];
        if (fn) assert.match(source, new RegExp(`async fn ${fn}\\(`), `${t} belongs to ${u.crateName}`);
        else if (block)
          assert.ok(existsSync(join(first.workspaceRoot, block)), `${t} belongs to ${u.crateName}`);
        else assert.fail(`unexpected coroutine type ${t}`);
        if (block)
          assert.ok(!relative(dirname(u.srcPath), join(first.workspaceRoot, block)).startsWith('..'));
      }
    }
    // Attribution: driver-core's own async fns appear unqualified only in driver-core's capture.
    const app = readFileSync(unit(first, 'driver_app', 'lib').typeSizes[0]!, 'utf8');
    assert.ok(app.includes('{async fn body of driver_core::core_buffered()}'));
    assert.ok(!app.includes('{async fn body of core_buffered()}'));
  });

  test("the user's build.rustflags from .cargo/config.toml are kept next to ours", () => {
    assert.deepEqual(first.userRustflags.flags, ['--cfg', 'driver_probe']);
    assert.match(first.userRustflags.source ?? '', /driver-lib\/\.cargo\/config\.toml \(build\.rustflags\)/);
    const core = readFileSync(unit(first, 'driver_core', 'lib').typeSizes[0]!, 'utf8');
    assert.ok(core.includes('{async fn body of core_probe_cfg()}'));
  });

  test('final artifacts: the rlibs and the executable', () => {
    const kinds = first.artifacts.map((a) => `${a.crateName}:${a.kind}`).sort();
    assert.deepEqual(kinds, ['driver_app:bin', 'driver_app:rlib', 'driver_core:rlib']);
    for (const a of first.artifacts) assert.ok(existsSync(a.path), a.path);
  });

  test('a second run finds everything fresh and reuses the captured type sizes', () => {
    assert.equal(second.crates.length, first.crates.length);
    for (const u of second.crates) {
      assert.equal(u.fresh, true, u.crateName);
      assert.equal(u.typeSizesReused, true, u.crateName);
      const before = first.crates.find((c) => c.unit === u.unit);
      assert.ok(before, `unit ${u.unit} was built by the first run`);
      assert.deepEqual(u.typeSizes, before.typeSizes);
      assert.deepEqual(u.mir, before.mir);
      assert.ok(readFileSync(u.typeSizes[0]!, 'utf8').includes('print-type-size type:'));
    }
    assert.deepEqual(second.warnings, []);
  });

  test('with progress on, a status line counts the units and is cleared at the end', () => {
    const lines = statusLog.filter((s) => s.includes('Compiled'));
    assert.equal(lines.length, 3, JSON.stringify(statusLog));
    assert.ok(lines[2]!.startsWith('\r\x1b[2K'), 'redraws in place');
    assert.match(lines[2]!, / {4}Compiled 3(\/\d+)? /);
    assert.equal(statusLog.at(-1), '\r\x1b[2K');
  });

  test('--target builds under the triple and still gets MIR and type sizes', () => {
    const host = first.toolchain.host;
    assert.equal(targeted.target, host);
    assert.deepEqual(targeted.warnings, []);
    const core = unit(targeted, 'driver_core', 'lib');
    assert.equal(core.host, false);
    assert.ok(mirText(core.mir).includes('fn core_buffered::{closure#0}(_1: '), core.mir[0]);
    assert.ok(readFileSync(core.typeSizes[0]!, 'utf8').includes('{async fn body of core_buffered()}'));
    assert.ok(first.crates.every((c) => c.host === false));
  });

  test("cargo's progress lines are recognised with and without colours; diagnostics are not", () => {
    assert.ok(isCargoStatusLine('   Compiling driver-core v0.1.0 (/x/core)'));
    assert.ok(isCargoStatusLine('\x1b[1m\x1b[92m   Compiling\x1b[0m driver-core v0.1.0 (/x/core)'));
    assert.ok(
      isCargoStatusLine('\x1b[1m\x1b[92m    Finished\x1b[0m `dev` profile [unoptimized] target(s) in 0.68s'),
    );
    assert.ok(!isCargoStatusLine('error[E0308]: mismatched types'));
    assert.ok(!isCargoStatusLine('\x1b[1m\x1b[33mwarning\x1b[0m: unused variable: `x`'));
  });

  test("the status line's total, estimated from cargo metadata, matches the units cargo built", async () => {
    const estimate = await unitEstimate(fixture, env, ['--filter-platform', first.toolchain.host]);
    assert.equal(estimate, first.crates.length);
  });

  test('--package and --features reach cargo', () => {
    assert.deepEqual(
      featured.crates.map((c) => c.crateName),
      ['driver_core'],
    );
    const core = featured.crates[0]!;
    assert.equal(core.fresh, false, 'a new feature set is a new unit');
    assert.notEqual(core.unit, unit(first, 'driver_core', 'lib').unit);
    assert.ok(readFileSync(core.typeSizes[0]!, 'utf8').includes('{async fn body of core_extra_feature()}'));
    const plain = readFileSync(unit(first, 'driver_core', 'lib').typeSizes[0]!, 'utf8');
    assert.ok(!plain.includes('core_extra_feature'));
  });
});
