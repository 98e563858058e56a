// A run cut short by a signal leaves no scratch copy behind, and a copy left by a process that was killed
// outright (SIGKILL runs no handler) is removed by the next run that makes one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/firmware-demo/', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'asyncbloat-signals-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

const scratchDirs = (dir: string) => readdirSync(dir).filter((e) => e.startsWith('asyncbloat-'));

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  test(`${signal} during savings removes its scratch copies and exits ${code}`, async () => {
    const tmp = join(root, `tmp-${signal}`);
    mkdirSync(tmp);
    const crate = join(root, `crate-${signal}`);
    cpSync(EXAMPLE, crate, { recursive: true, filter: (s) => !/[/\\]target$/.test(s) });
    const child = spawn(process.execPath, [CLI, 'savings', crate, '--no-nightly'], {
      env: { ...process.env, TMPDIR: tmp, CARGO_TARGET_DIR: join(root, `target-${signal}`) },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    // As soon as a scratch copy exists, interrupt the run.
    for (let i = 0; i < 600 && scratchDirs(tmp).length === 0 && child.exitCode === null; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(scratchDirs(tmp).length > 0, 'savings made a scratch copy');
    child.kill(signal);
    assert.equal(await exited, code);
    assert.deepEqual(scratchDirs(tmp), []);
  });
}

test('a scratch copy left by a killed process is removed by the next run; a live one is kept', async () => {
  const tmp = join(root, 'tmp-stale');
  mkdirSync(tmp);
  const stale = join(tmp, 'asyncbloat-stale1');
  const alive = join(tmp, 'asyncbloat-alive1');
  for (const [dir, pid] of [
    [stale, 2 ** 22 + 12345], // above Linux's pid_max: no such process
    [alive, process.pid],
  ] as const) {
    mkdirSync(dir);
    writeFileSync(join(dir, '.asyncbloat-owner'), String(pid));
  }
  const crate = join(root, 'crate-stale');
  cpSync(EXAMPLE, crate, { recursive: true, filter: (s) => !/[/\\]target$/.test(s) });
  const run = spawn(process.execPath, [CLI, 'fix', crate, '--no-verify'], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: 'ignore',
  });
  assert.equal(await new Promise((done) => run.on('exit', done)), 0);
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(alive), true);
});
