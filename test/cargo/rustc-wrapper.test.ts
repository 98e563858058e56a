// The RUSTC_WRAPPER, run as cargo runs it (the built dist/rustc-wrapper.js when it is current, else the
// source through tsx), against the real rustc: queries pass through byte for byte, compilations have their
// type sizes filed per crate, and a capture that cannot be written still loses nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { wrapperCommand } from '../../src/cargo/build.ts';
import {
  captureStem,
  codegenOption,
  expandArgfiles,
  jobserverFds,
  mirDumpFiles,
  OUT_DIR_ENV,
} from '../../src/cargo/rustc-wrapper.ts';
import { CAPTURE_DIRS_ENV, CAPTURE_ENV, writeShim } from '../../src/cargo/shim.ts';

const scratch = mkdtempSync(join(tmpdir(), 'asyncbloat-wrapper-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const source = join(scratch, 'tiny.rs');
writeFileSync(
  source,
  'pub async fn tiny_leaf(x: u64) -> u64 { x }\npub async fn tiny_outer() -> u64 { tiny_leaf(2).await }\n',
);

function run(args: string[], env: NodeJS.ProcessEnv = {}, viaWrapper = true) {
  const [cmd, ...pre] = viaWrapper ? [...wrapperCommand(), 'rustc'] : ['rustc'];
  const r = spawnSync(cmd!, [...pre, ...args], {
    encoding: 'utf8',
    cwd: scratch,
    env: { ...process.env, RUSTC_BOOTSTRAP: '1', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const compile = (out: string) => [
  '--crate-name',
  'tiny',
  '--crate-type',
  'lib',
  '--edition',
  '2021',
  '-C',
  'extra-filename=-0123456789abcdef',
  '-Zprint-type-sizes',
  '--out-dir',
  out,
  source,
];

describe('rustc wrapper', () => {
  test('`rustc -vV` passes through unchanged, with or without a capture dir', () => {
    const direct = run(['-vV'], {}, false);
    assert.equal(direct.status, 0);
    for (const env of [{}, { [OUT_DIR_ENV]: join(scratch, 'cap-vv') }]) {
      const wrapped = run(['-vV'], env);
      assert.deepEqual(wrapped, direct);
    }
    assert.ok(!existsSync(join(scratch, 'cap-vv')));
  });

  test("cargo's `--crate-name ___ --print` probe passes through", () => {
    const args = ['-', '--crate-name', '___', '--print=file-names', '--crate-type', 'lib', '--print=cfg'];
    const direct = spawnSync('rustc', args, { input: '', encoding: 'utf8' });
    const [cmd, ...pre] = wrapperCommand();
    const wrapped = spawnSync(cmd!, [...pre, 'rustc', ...args], {
      input: '',
      encoding: 'utf8',
      env: { ...process.env, [OUT_DIR_ENV]: join(scratch, 'cap-probe') },
    });
    assert.equal(wrapped.status, direct.status);
    assert.equal(wrapped.stdout, direct.stdout);
    assert.match(wrapped.stdout, /target_os=/);
  });

  test('exit code and stderr of a failing rustc are forwarded', () => {
    const direct = run(['--definitely-not-a-flag'], {}, false);
    const wrapped = run(['--definitely-not-a-flag'], { [OUT_DIR_ENV]: join(scratch, 'cap-bad') });
    assert.notEqual(direct.status, 0);
    assert.deepEqual(wrapped, direct);
  });

  test("a compilation's type sizes are filed under <crate><extra-filename> and equal rustc's own", () => {
    const direct = run(compile(join(scratch, 'out-direct')), {}, false);
    assert.equal(direct.status, 0, direct.stderr);
    const cap = join(scratch, 'cap');
    const wrapped = run(compile(join(scratch, 'out-wrapped')), { [OUT_DIR_ENV]: cap });
    assert.equal(wrapped.status, 0, wrapped.stderr);
    assert.equal(wrapped.stdout, '', 'no type-size line reaches stdout');
    const captured = readFileSync(join(cap, 'type-sizes', 'tiny-0123456789abcdef.txt'), 'utf8');
    assert.equal(captured, direct.stdout);
    assert.ok(captured.includes('{async fn body of tiny_outer()}'));
    assert.ok(existsSync(join(scratch, 'out-wrapped', 'libtiny-0123456789abcdef.rlib')));
  });

  test('when the capture cannot be written, the type sizes go to stdout and a warning says why', () => {
    const blocker = join(scratch, 'not-a-dir');
    writeFileSync(blocker, '');
    const direct = run(compile(join(scratch, 'out-direct2')), {}, false);
    const wrapped = run(compile(join(scratch, 'out-blocked')), { [OUT_DIR_ENV]: blocker });
    assert.equal(wrapped.status, 0);
    assert.equal(wrapped.stdout, direct.stdout);
    assert.match(
      wrapped.stderr,
      /warning: asyncbloat rustc wrapper: cannot store captured type sizes for tiny/,
    );
  });

  test('the shell shim cargo runs: files captures itself, node only for argfiles', () => {
    const shim = writeShim(join(scratch, 'shim'));
    const cap = join(scratch, 'cap-shim');
    const member = join(scratch, 'member-crate');
    const viaShim = (args: string[], env: NodeJS.ProcessEnv) =>
      spawnSync(shim, ['rustc', ...args], {
        encoding: 'utf8',
        env: {
          ...process.env,
          RUSTC_BOOTSTRAP: '1',
          [OUT_DIR_ENV]: cap,
          [CAPTURE_DIRS_ENV]: `/x:${member}`,
          ...env,
        },
      });
    const captured = join(cap, 'type-sizes', 'tiny-0123456789abcdef.txt');
    assert.equal(viaShim(['-vV'], {}).stdout, run(['-vV'], {}, false).stdout);

    // A dependency (manifest dir not listed) and a build script: type sizes dropped, nothing captured.
    for (const env of [
      { CARGO_CRATE_NAME: 'tiny', CARGO_MANIFEST_DIR: join(scratch, 'registry-crate') },
      { CARGO_CRATE_NAME: 'build_script_build', CARGO_MANIFEST_DIR: member, [CAPTURE_ENV]: 'all' },
    ]) {
      const r = viaShim(compile(join(scratch, 'out-skip')), env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.ok(!existsSync(captured));
    }
    const failing = viaShim(['--definitely-not-a-flag', '--crate-name', 'x'], { CARGO_CRATE_NAME: 'x' });
    assert.equal(failing.status, run(['--definitely-not-a-flag'], {}, false).status);

    // A member, and any crate with ASYNCBLOAT_CAPTURE=all: captured, byte for byte what rustc printed.
    const direct = run(compile(join(scratch, 'out-direct-shim')), {}, false);
    assert.ok(direct.stdout.includes('tiny_outer'));
    const memberEnv = { CARGO_CRATE_NAME: 'tiny', CARGO_MANIFEST_DIR: member };
    for (const env of [
      memberEnv,
      { CARGO_CRATE_NAME: 'tiny', CARGO_MANIFEST_DIR: join(scratch, 'registry-crate'), [CAPTURE_ENV]: 'all' },
    ]) {
      rmSync(captured, { force: true });
      const r = viaShim(compile(join(scratch, 'out-crate')), env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(readFileSync(captured, 'utf8'), direct.stdout);
    }
    // The same stem for `-Cextra-filename=` and `--crate-name=` spellings, as captureStem reads them.
    rmSync(captured, { force: true });
    const joined = compile(join(scratch, 'out-joined')).map((a) =>
      a === 'extra-filename=-0123456789abcdef' ? '-Cextra-filename=-0123456789abcdef' : a,
    );
    joined.splice(joined.indexOf('-C'), 1);
    joined.splice(joined.indexOf('--crate-name'), 2, '--crate-name=tiny');
    assert.equal(viaShim(joined, memberEnv).status, 0);
    assert.equal(readFileSync(captured, 'utf8'), direct.stdout);

    // A capture that cannot be written: the lines go to stdout, and a warning says why (as in node).
    const blocker = join(scratch, 'blocker-file');
    writeFileSync(blocker, '');
    const unwritable = viaShim(compile(join(scratch, 'out-unwritable')), {
      ...memberEnv,
      [OUT_DIR_ENV]: blocker,
    });
    assert.equal(unwritable.status, 0);
    assert.equal(unwritable.stdout, direct.stdout);
    assert.match(
      unwritable.stderr,
      /warning: asyncbloat rustc wrapper: cannot store captured type sizes for tiny-0123456789abcdef/,
    );

    // A failed compilation: its stdout is passed on whole and nothing is filed.
    rmSync(captured, { force: true });
    const broken = join(scratch, 'broken.rs');
    writeFileSync(broken, 'pub fn f() -> u8 { "no" }\n');
    const failed = viaShim([...compile(join(scratch, 'out-failed')).slice(0, -1), broken], memberEnv);
    assert.notEqual(failed.status, 0);
    assert.ok(!existsSync(captured));

    // A captured crate's MIR is dumped per body into its unit's dir, with span comments (the await lines
    // come from them); a stale file from an earlier build is gone. A dependency gets no dump.
    const dumpDir = join(cap, 'mir', 'tiny-0123456789abcdef');
    mkdirSync(dumpDir, { recursive: true });
    writeFileSync(join(dumpDir, 'tiny.removed_fn.3-3-000.runtime-optimized.after.mir'), 'stale');
    assert.equal(viaShim(compile(join(scratch, 'out-spans')), memberEnv).status, 0);
    const dumped = mirDumpFiles(dumpDir);
    assert.ok(dumped.length > 0 && !dumped.some((f) => f.includes('removed_fn')), dumped.join('\n'));
    assert.match(dumped.map((f) => readFileSync(f, 'utf8')).join(''), /\/\/ scope 0 at .*tiny\.rs:\d+:\d+/);
    rmSync(join(cap, 'mir'), { recursive: true, force: true });
    const depEnv = { CARGO_CRATE_NAME: 'tiny', CARGO_MANIFEST_DIR: join(scratch, 'registry-crate') };
    assert.equal(viaShim(compile(join(scratch, 'out-no-spans')), depEnv).status, 0);
    assert.ok(!existsSync(join(cap, 'mir')));

    // Arguments in an @argfile: the shell cannot read them, so node's wrapper files the capture.
    const argfile = join(scratch, 'shim-args.txt');
    writeFileSync(argfile, `${compile(join(scratch, 'out-argfile')).join('\n')}\n`);
    const viaArgfile = viaShim([`@${argfile}`], memberEnv);
    assert.equal(viaArgfile.status, 0, viaArgfile.stderr);
    assert.equal(readFileSync(captured, 'utf8'), direct.stdout);
  });

  test('argument helpers', () => {
    assert.equal(captureStem(['--crate-name', 'a', '-C', 'extra-filename=-ab']), 'a-ab');
    assert.equal(captureStem(['--crate-name', 'a', '-Cextra-filename=-cd']), 'a-cd');
    assert.equal(captureStem(['--crate-name', '___', '--print=cfg']), undefined);
    assert.equal(captureStem(['--crate-name', 'a', '--print', 'cfg']), undefined);
    assert.equal(captureStem(['-vV']), undefined);
    assert.equal(codegenOption(['-C', 'metadata=1', '--codegen=metadata=2'], 'metadata'), '2');
    assert.deepEqual(
      jobserverFds({ CARGO_MAKEFLAGS: '-j --jobserver-fds=3,5 --jobserver-auth=3,5' }),
      [3, 5],
    );
    assert.deepEqual(jobserverFds({ CARGO_MAKEFLAGS: '-j --jobserver-auth=fifo:/tmp/x' }), []);
    const argfile = join(scratch, 'args.txt');
    writeFileSync(argfile, '--crate-name\nfromfile\n-C\nextra-filename=-12\n');
    assert.equal(captureStem(expandArgfiles(['--edition=2021', `@${argfile}`])), 'fromfile-12');
    assert.deepEqual(expandArgfiles(['@/nonexistent/args']), ['@/nonexistent/args']);
  });
});
