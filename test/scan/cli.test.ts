// `asyncbloat scan` as a user runs it: a child process, real files, exit codes, stdout and stderr.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SCHEMA_VERSION } from '../../src/model/report.ts';

const DEMO = 'examples/firmware-demo';
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], env: Record<string, string> = {}) {
  // picocolors tests NO_COLOR / FORCE_COLOR by presence, so they are removed unless a test sets them.
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...base } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scan', ...args], {
    encoding: 'utf8',
    env: { ...base, XDG_CACHE_HOME: join(tmp, 'cache'), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escapes
const ANSI = /\x1b\[/;

describe('asyncbloat scan', () => {
  it('--list prints every item of the JSON inventory, one row each, with its awaits', () => {
    const list = cli([DEMO, '--list', '--color', 'never']);
    assert.equal(list.code, 0, list.stderr);
    const json = JSON.parse(cli([DEMO, '--format', 'json']).stdout);
    const rows = list.stdout.split('\n').slice(1, 1 + json.items.length);
    assert.equal(rows.length, json.items.length);
    for (const item of json.items as { name: string; awaits: number; file: string; line: number }[]) {
      const row = rows.find((r) => r.includes(` ${item.name} `) && r.includes(`${item.file}:${item.line}:`));
      assert.ok(row, `${item.name} is listed`);
      assert.equal(Number(row.trim().split(/\s+/)[0]), item.awaits, `${item.name}: awaits`);
    }
    assert.match(
      list.stdout,
      new RegExp(
        `^${json.items.length} async items in \\d+ of ${json.stats.filesScanned} files scanned`,
        'm',
      ),
    );
    assert.doesNotMatch(list.stdout, /^warning\[/m);
  });

  it('prints rustc-style diagnostics for the example crate and exits 0 on warnings', () => {
    const r = cli([DEMO, '--color', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const headers = r.stdout.match(/^warning\[[a-z-]+\]: .+$/gm) ?? [];
    for (const rule of ['no-await', 'duplicate-arm-awaits', 'single-await-wrapper']) {
      assert.ok(
        headers.some((h) => h.startsWith(`warning[${rule}]`)),
        `example triggers ${rule}`,
      );
    }
    assert.match(r.stdout, /^ {2}--> src\/dispatch\.rs:\d+:\d+$/m);
    assert.match(r.stdout, /^\d+ \| {5}match cmd \{$/m);
    assert.match(r.stdout, /^ +\| +\^+$/m);
    assert.match(r.stdout, /^ += help: /m);
    const summary = r.stdout.trim().split('\n').at(-1)!;
    assert.match(summary, new RegExp(`^warning: ${headers.length} findings \\(no-await: \\d+, `));
    assert.doesNotMatch(r.stdout, ANSI);
  });

  it('writes the documented JSON with stable key order', () => {
    const r = cli([DEMO, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['schemaVersion', 'tool', 'root', 'items', 'findings', 'stats']);
    assert.equal(doc.schemaVersion, SCHEMA_VERSION);
    assert.deepEqual(Object.keys(doc.items[0]), [
      'kind',
      'name',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'byteStart',
      'byteEnd',
      'awaits',
      'fnName',
      'placement',
      'isPublic',
      'parent',
      'rustcStart',
      'awaitSites',
    ]);
    assert.deepEqual(Object.keys(doc.findings[0]), [
      'rule',
      'severity',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'byteStart',
      'byteEnd',
      'message',
      'help',
      'item',
      'fix',
      'noFix',
    ]);
    for (const i of doc.items) assert.match(i.file, /^src\/[a-z_]+\.rs$/);
  });

  it('also writes the shared SARIF format', () => {
    const r = cli([DEMO, '--format', 'sarif']);
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    const json = JSON.parse(cli([DEMO, '--format', 'json']).stdout);
    assert.equal(log.runs[0].results.length, json.findings.length);
  });

  it('--rule keeps only the named rules, --no-rule drops them', () => {
    const only = JSON.parse(cli([DEMO, '--format', 'json', '--rule', 'no-await']).stdout);
    assert.ok(only.findings.length > 0);
    assert.ok(only.findings.every((f: { rule: string }) => f.rule === 'no-await'));
    const without = JSON.parse(
      cli([DEMO, '--format', 'json', '--no-rule', 'no-await', '--no-rule', 'single-await-wrapper']).stdout,
    );
    assert.ok(without.findings.length > 0);
    assert.ok(without.findings.every((f: { rule: string }) => f.rule === 'duplicate-arm-awaits'));
  });

  it('--deny makes a rule an error: exit 1, error[..] headers', () => {
    const r = cli([DEMO, '--deny', 'duplicate-arm-awaits', '--color', 'never']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^error\[duplicate-arm-awaits\]: /m);
    assert.match(r.stdout, /^warning\[no-await\]: /m);
    assert.match(r.stdout.trim().split('\n').at(-1)!, /^error: \d+ findings, 1 at error level \(/);
    assert.equal(cli([DEMO, '--deny', 'duplicate-arm-awaits', '--no-rule', 'duplicate-arm-awaits']).code, 0);
  });

  it('-o writes the report to a file without colour', () => {
    const out = join(tmp, 'report.txt');
    const r = cli([DEMO, '-o', out, '--color', 'auto'], { FORCE_COLOR: '1' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const text = readFileSync(out, 'utf8');
    assert.match(text, /warning\[no-await\]/);
    assert.doesNotMatch(text, ANSI);
  });

  it('--color always colours, never does not, and auto follows FORCE_COLOR / NO_COLOR', () => {
    assert.match(cli([DEMO, '--color', 'always'], { NO_COLOR: '1' }).stdout, ANSI);
    assert.doesNotMatch(cli([DEMO, '--color', 'never'], { FORCE_COLOR: '1' }).stdout, ANSI);
    assert.match(cli([DEMO], { FORCE_COLOR: '1' }).stdout, ANSI);
    assert.doesNotMatch(cli([DEMO], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout, ANSI);
  });

  it('usage and I/O errors exit 2 with a rustc-style message', () => {
    const cases: [string[], RegExp][] = [
      [
        [DEMO, '--format', 'xml'],
        /^error: unknown output format 'xml'\n {2}= help: possible values: human, json/,
      ],
      [['does/not/exist'], /^error: path 'does\/not\/exist' does not exist/],
      [[DEMO, '--rule', 'bogus'], /^error: unknown rule 'bogus'\n {2}= help: known rules: no-await, /],
      [[DEMO, '--color', 'sometimes'], /error: invalid value 'sometimes' for '--color'/],
    ];
    for (const [args, err] of cases) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, err);
      assert.equal(r.stdout, '');
    }
  });

  it('warns once about a non-UTF-8 and a binary file and still reports the rest', () => {
    const dir = join(tmp, 'mixed');
    spawnSync('mkdir', ['-p', join(dir, 'src')]);
    writeFileSync(join(dir, 'src', 'lib.rs'), 'pub mod x;\npub async fn ok() -> u8 { 1 }\n');
    writeFileSync(
      join(dir, 'src', 'latin1.rs'),
      Buffer.from([0x2f, 0x2f, 0xe9, 0x0a, 0x61, 0x73, 0x79, 0x6e, 0x63]),
    );
    writeFileSync(join(dir, 'src', 'data.rs'), Buffer.from([0x61, 0x73, 0x79, 0x6e, 0x63, 0x00, 0xff]));
    const r = cli([dir, '--format', 'json', '--color', 'never']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'warning: skipped src/data.rs: binary file (contains NUL bytes)',
      'warning: skipped src/latin1.rs: not valid UTF-8',
    ]);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.items.map((i: { name: string }) => i.name),
      ['ok'],
    );
    assert.equal(doc.stats.skipped.length, 2);
  });

  it('lists findings and skipped files in the same order under any locale (code points, as cargo)', () => {
    // Under da_DK, localeCompare sorts `aa` after `z`; under et_EE, `t` after `z`.
    const dir = join(tmp, 'locale');
    spawnSync('mkdir', ['-p', join(dir, 'src')]);
    for (const name of ['z', 'aa', 't', 'B'])
      writeFileSync(join(dir, 'src', `${name}.rs`), `pub async fn ${name.toLowerCase()}() -> u8 { 1 }\n`);
    for (const name of ['zz', 'aab', 'tt']) writeFileSync(join(dir, 'src', `${name}.rs`), 'async\0');
    const orders = ['C.UTF-8', 'da_DK.UTF-8', 'et_EE.UTF-8'].map((locale) => {
      const r = cli([dir, '--list', '--color', 'never'], { LANG: locale, LC_ALL: locale });
      assert.equal(r.code, 0, r.stderr);
      return { list: r.stdout, warnings: r.stderr };
    });
    assert.match(orders[0]!.list, /src\/B\.rs[\s\S]*src\/aa\.rs[\s\S]*src\/t\.rs[\s\S]*src\/z\.rs/);
    assert.match(orders[0]!.warnings, /src\/aab\.rs[\s\S]*src\/tt\.rs[\s\S]*src\/zz\.rs/);
    assert.deepEqual(orders[1], orders[0]);
    assert.deepEqual(orders[2], orders[0]);
  });
});
