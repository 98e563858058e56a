// `asyncbloat analyze` through the bundled CLI: output formats, selection flags, and exit codes on bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const joined = join(fixtures, 'analyze/joined');
const scratch = mkdtempSync(join(tmpdir(), 'asyncbloat-analyze-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('analyze CLI', () => {
  test('json carries the documented per-item fields', () => {
    const r = run('analyze', joined, '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.build.profile, 'dev');
    assert.ok(doc.items.length >= 10);
    for (const key of [
      'name',
      'kind',
      'file',
      'line',
      'futureBytes',
      'states',
      'suspendPoints',
      'mirLines',
      'panicPaths',
      'heldAcrossAwait',
      'duplicatedArgs',
      'children',
    ]) {
      for (const item of doc.items) assert.ok(key in item, `${item.name} lacks ${key}`);
    }
  });

  test('findings are written exactly as `scan --format json` writes them', () => {
    const example = fileURLToPath(new URL('../../examples/firmware-demo', import.meta.url));
    const scan = JSON.parse(run('scan', example, '--format', 'json').stdout);
    const analyzed = run('analyze', example, '--format', 'json');
    assert.equal(analyzed.code, 0, analyzed.stderr);
    const findings = JSON.parse(analyzed.stdout).items.flatMap((i: { findings: object[] }) => i.findings);
    assert.ok(findings.length > 0 && scan.findings.length === findings.length);
    for (const f of findings) assert.deepEqual(Object.keys(f), Object.keys(scan.findings[0]));
  });

  test('--sort, --top and --filter select rows; --explain shows one item', () => {
    const top = run('analyze', joined, '--top', '2', '--sort', 'size');
    assert.equal(top.code, 0, top.stderr);
    const rows = top.stdout.split('\n').filter((l) => /^\s*\d+ B/.test(l));
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /\brun\b/);
    const filtered = run('analyze', joined, '--filter', '^generic$');
    assert.equal(filtered.stdout.split('\n').filter((l) => /^\s*\d+ B/.test(l)).length, 1);
    const explain = run('analyze', joined, '--explain', 'arg_after_await');
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /arguments stored twice \(rust#62958\): data \(64 B\)/);
    assert.match(explain.stdout, /Suspend0/);
  });

  test('--baseline against an unchanged build reports no change', () => {
    const base = join(scratch, 'base.json');
    assert.equal(run('analyze', joined, '--format', 'json', '-o', base).code, 0);
    const r = run('analyze', joined, '--baseline', base);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no change in \d+ async items/);
    const md = run('analyze', joined, '--baseline', base, '--format', 'html');
    assert.equal(md.code, 2);
    assert.match(md.stderr, /--baseline shows a diff/);
  });

  test('a crate without async code is not an error', () => {
    const r = run('analyze', join(fixtures, 'analyze/no-async'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^0 async items/m);
  });

  test('bad input exits 2 with a message', () => {
    const notCrate = run('analyze', scratch);
    assert.equal(notCrate.code, 2);
    assert.match(notCrate.stderr, /^error: .*Cargo\.toml/m);

    const broken = run('analyze', join(fixtures, 'crates/broken'));
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /error\[E\d+\]|error: /, 'cargo/rustc errors are shown');

    const format = run('analyze', joined, '--format', 'yaml');
    assert.equal(format.code, 2);
    assert.match(format.stderr, /unknown output format 'yaml'/);

    const explain = run('analyze', joined, '--explain', 'no_such_item');
    assert.equal(explain.code, 2);
    assert.match(explain.stderr, /no async item named 'no_such_item'/);

    const regex = run('analyze', joined, '--filter', '(');
    assert.equal(regex.code, 2);
    assert.match(regex.stderr, /invalid --filter regex/);
  });
});
