// Two `analyze` runs on one crate at once: the second waits for the first's lock on the build directory
// (saying so, as cargo does), and both report the same items from uncorrupted outputs. A lock left by a
// process killed outright is taken over. The lock is re-entrant within one process.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE, lockDir } from '../../src/cargo/dir-lock.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/analyze/joined/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'asyncbloat-concurrent-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function analyzeInBackground(crate: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, 'analyze', crate, '--format', 'json'], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.on('close', (code) => done({ code, stdout, stderr })),
  );
}

const measures = (json: string) =>
  (JSON.parse(json).items as { name: string; futureBytes: number; states: number }[])
    .map((i) => `${i.name} ${i.futureBytes} ${i.states}`)
    .sort();

test('two analyze runs at once on one crate: one waits for the other, both report the same', async () => {
  const crate = join(scratch, 'joined');
  cpSync(FIXTURE, crate, { recursive: true, filter: (s) => !/[/\\](target|Cargo\.lock)$/.test(s) });
  const env = { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(scratch, 'target') };
  const [a, b] = await Promise.all([analyzeInBackground(crate, env), analyzeInBackground(crate, env)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.match(`${a.stderr}${b.stderr}`, /Blocking waiting for file lock on asyncbloat's build directory/);
  assert.ok(measures(a.stdout).length >= 10);
  assert.deepEqual(measures(a.stdout), measures(b.stdout));
  // The lock went with the runs.
  const dirs = spawnSync('find', [join(scratch, 'target'), '-name', LOCK_FILE], { encoding: 'utf8' });
  assert.equal(dirs.stdout, '');
});

test("a lock whose owner is gone is taken over; a live owner's is waited for; one process may take it twice", async () => {
  const dir = join(scratch, 'lockdir');
  // A lock left by a process that no longer runs.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, LOCK_FILE), dead.stdout);
  const said: string[] = [];
  const first = await lockDir(dir, (s) => said.push(s));
  assert.equal(said.length, 0);
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), String(process.pid));
  const again = await lockDir(dir, (s) => said.push(s));
  again.release();
  assert.ok(existsSync(join(dir, LOCK_FILE)), 'still held once');
  first.release();
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);

  // A live owner: another process holds it for a moment.
  const holder = spawn(process.execPath, [
    '-e',
    `require('node:fs').writeFileSync(${JSON.stringify(join(dir, LOCK_FILE))}, String(process.pid)); setTimeout(() => require('node:fs').rmSync(${JSON.stringify(join(dir, LOCK_FILE))}), 600);`,
  ]);
  while (!existsSync(join(dir, LOCK_FILE))) await new Promise((r) => setTimeout(r, 10));
  const started = performance.now();
  const waited = await lockDir(dir, (s) => said.push(s));
  assert.ok(performance.now() - started >= 300, 'waited for the holder');
  assert.match(
    said.join(''),
    new RegExp(`Blocking waiting for file lock .* \\(held by pid ${holder.pid}\\)`),
  );
  waited.release();
});
