import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { docPath } from '../../src/cli/docs.ts';
import { checkOutputPath, emit } from '../../src/cli/output.ts';
import { UserError } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-output-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('-o FILE replaces the file atomically and leaves no temporary file', () => {
  const out = join(dir, 'report.json');
  emit('first', out);
  emit('second', out);
  assert.equal(readFileSync(out, 'utf8'), 'second');
  assert.deepEqual(readdirSync(dir), ['report.json']);
});

test('-o /dev/null writes to the device instead of replacing it', () => {
  emit('discarded', '/dev/null');
  assert.ok(statSync('/dev/null').isCharacterDevice(), '/dev/null is still a character device');
});

test('an -o path that cannot be written is refused before any build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-outpath-'));
  try {
    assert.doesNotThrow(() => checkOutputPath(join(dir, 'report.json')));
    assert.doesNotThrow(() => checkOutputPath('-'));
    assert.doesNotThrow(() => checkOutputPath(undefined));
    assert.throws(
      () => checkOutputPath(join(dir, 'missing', 'report.json')),
      (e: unknown) => e instanceof UserError && /the directory .*missing does not exist/.test(e.message),
    );
    assert.throws(
      () => checkOutputPath(dir),
      (e: unknown) => e instanceof UserError && /it is a directory/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze -o into a missing directory exits 2 at once, without building', () => {
  const crate = fileURLToPath(new URL('../../examples/firmware-demo', import.meta.url));
  const target = mkdtempSync(join(tmpdir(), 'asyncbloat-outpath-target-'));
  try {
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const r = spawnSync(process.execPath, [cli, 'analyze', crate, '-o', join(target, 'no', 'x.json')], {
      encoding: 'utf8',
      env: { ...process.env, CARGO_TARGET_DIR: target },
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: cannot write .*the directory .* does not exist/m);
    assert.deepEqual(readdirSync(target), [], 'nothing was built');
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
});

test('the npm package ships the docs the CLI points to, and check names the installed file', () => {
  const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { encoding: 'utf8' })) as {
    files: { path: string }[];
  }[];
  const files = packed[0]!.files.map((f) => f.path);
  for (const doc of ['docs/ci.md', 'docs/json-schema.md', 'README.md']) assert.ok(files.includes(doc), doc);
  assert.ok(existsSync(docPath('ci.md')), docPath('ci.md'));
});
