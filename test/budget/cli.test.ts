// The diff and check commands through the CLI entry point (run()): exit codes, messages and formats.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { diffReports } from '../../src/budget/diff.ts';
import { readReportFile } from '../../src/budget/report-file.ts';
import { buildProgram, run } from '../../src/cli/program.ts';
import { UserError } from '../../src/errors.ts';
import type { AnalysisReport } from '../../src/model/report.ts';
import { held, item, report } from './reports.ts';

const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the CLI in this process (spawning tsx per call costs seconds): cwd set to the temp dir, stdout and
 * stderr captured, and process.exitCode restored so the command's exit code does not become the test's.
 */
async function cli(...args: string[]) {
  // The test runner's own output must not land in the capture: its pending writes go first, and the
  // command's module is loaded before the capture starts (run() imports it on demand).
  await buildProgram('asyncbloat', args);
  await new Promise((r) => setImmediate(r));
  const out: string[] = [];
  const err: string[] = [];
  const { stdout, stderr } = process;
  const saved = { out: stdout.write, err: stderr.write, cwd: process.cwd(), exitCode: process.exitCode };
  stdout.write = ((s: string) => out.push(s) > 0) as typeof stdout.write;
  stderr.write = ((s: string) => err.push(s) > 0) as typeof stderr.write;
  process.chdir(dir);
  process.exitCode = undefined;
  try {
    const code = await run('asyncbloat', [...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    stdout.write = saved.out;
    stderr.write = saved.err;
    process.chdir(saved.cwd);
    process.exitCode = saved.exitCode;
  }
}

function write(name: string, content: string | AnalysisReport): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const base = report(
  [
    item('radio::send', { futureBytes: 272, heldAcrossAwait: [held('Suspend0', [['.buf', 256]])], line: 3 }),
    item('radio::old', { futureBytes: 8 }),
  ],
  { root: dir },
);
const head = report(
  [
    item('radio::send', {
      futureBytes: 1040,
      heldAcrossAwait: [held('Suspend0', [['.buf', 1024]], 9)],
      line: 3,
    }),
    item('radio::new', { futureBytes: 24 }),
  ],
  { root: dir },
);
write('base.json', base);
write('head.json', head);
write('src/lib.rs', 'fn a() {}\n\nasync fn send() {}\n');

test('diff: human, json and markdown', async () => {
  const human = await cli('diff', 'base.json', 'head.json', '--color', 'never');
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /^asyncbloat diff: 1 future grew \(\+768 B\), 1 added, 1 removed\n/);
  assert.match(human.out, /~ +radio::send +app +272 B \u2192 1040 B \(\+768 B\)/);
  assert.match(human.out, /local \.buf in Suspend0, await at line 9: 256 B \u2192 1024 B \(\+768 B\)/);
  const json = await cli('diff', 'base.json', 'head.json', '--format', 'json');
  assert.equal(json.code, 0, json.err);
  const doc = JSON.parse(json.out);
  assert.deepEqual(
    doc.items.map((i: { name: string; status: string }) => [i.name, i.status]),
    [
      ['radio::new', 'added'],
      ['radio::old', 'removed'],
      ['radio::send', 'changed'],
    ],
  );
  const md = await cli('diff', 'base.json', 'head.json', '--format', 'markdown', '-o', 'diff.md');
  assert.equal(md.code, 0, md.err);
  assert.equal(md.out, '');
  const text = readFileSync(join(dir, 'diff.md'), 'utf8');
  assert.match(text, /^<!-- asyncbloat -->\n### asyncbloat: async cost diff/);
  assert.match(text, /\| ~ \| `radio::send` \| 272 B \u2192 1040 B \(\+768 B\) \|/);
});

test('diff: unreadable, invalid or unknown-version input is exit 2 naming the file', async () => {
  write('broken.json', '{"schemaVersion": 1,');
  write('future.json', JSON.stringify({ ...head, schemaVersion: 99 }));
  write('notreport.json', '[1,2]');
  const cases: [string, RegExp][] = [
    ['missing.json', /^error: cannot read report 'missing\.json': ENOENT\n/],
    ['broken.json', /^error: 'broken\.json' is not valid JSON: /],
    ['future.json', /^error: 'future\.json' has schemaVersion 99, this asyncbloat reads version 1\n/],
    ['notreport.json', /^error: 'notreport\.json' is not an asyncbloat analysis report/],
  ];
  for (const [file, message] of cases) {
    const r = await cli('diff', 'base.json', file);
    assert.equal(r.code, 2, file);
    assert.match(r.err, message);
    assert.match(r.err, /= help: /);
  }
  assert.equal((await cli('diff', 'base.json', 'head.json', '--format', 'xml')).code, 2);
});

test('check: exit 1 on a broken budget, 0 when budgets hold', async () => {
  write('tight.toml', 'max-future-bytes = 512\nmax-growth = "64 B"\n');
  const r = await cli(
    'check',
    '--report',
    'head.json',
    '--baseline',
    'base.json',
    '--config',
    'tight.toml',
    '--color',
    'never',
  );
  assert.equal(r.code, 1, r.err);
  assert.match(
    r.out,
    /error\[future-size\]: future of `radio::send` is 1040 B \(was 272 B\), over max-future-bytes 512 B by 528 B\n/,
  );
  assert.match(
    r.out,
    /error\[future-growth\]: future of `radio::send` grew by 768 B \(272 B \u2192 1040 B, \+282.4%\), over max-growth 64 B by 704 B\n/,
  );
  assert.match(r.out, /= grew: local \.buf in Suspend0, await at line 9: 256 B \u2192 1024 B \(\+768 B\)/);
  assert.match(r.out, /check failed: 2 budgets exceeded \(1 future-size, 1 future-growth\)\n$/);
  const json = await cli(
    'check',
    '--report',
    'head.json',
    '--baseline',
    'base.json',
    '--config',
    'tight.toml',
    '--format',
    'json',
  );
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.out).passed, false);
  write('loose.toml', 'max-future-bytes = "4 KiB"\n');
  const ok = await cli('check', '--report', 'head.json', '--config', 'loose.toml', '--format', 'markdown');
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /### asyncbloat check \u2705/);
});

test('check: each configuration error is exit 2 with its message', async () => {
  const cases: [string, RegExp][] = [
    ['max-future-bytes = "lots"\n', /'max-future-bytes' in bad\.toml:1: expected a byte size/],
    [
      'max-futur-bytes = 5\n',
      /'max-futur-bytes' in bad\.toml:1: unknown key\n {2}= help: did you mean 'max-future-bytes'\?/,
    ],
    [
      '[[ignore]]\nitem = "radio::*"\n',
      /'ignore\[0\]\.reason' in bad\.toml:2: ignore of 'radio::\*' has no reason/,
    ],
    [
      'max-growth = "a lot"\n',
      /'max-growth' in bad\.toml:1: expected a growth like "64 B" or "10%", found "a lot"/,
    ],
  ];
  for (const [text, message] of cases) {
    write('bad.toml', text);
    const r = await cli('check', '--report', 'head.json', '--config', 'bad.toml');
    assert.equal(r.code, 2, text);
    assert.match(r.err, message);
    assert.equal(r.out, '');
  }
  // Discovered from Cargo.toml in PATH, naming the Cargo.toml.
  write(
    'crate/Cargo.toml',
    '[package]\nname = "app"\n[package.metadata.asyncbloat]\nmax-future-bytes = -1\n',
  );
  const r = await cli('check', 'crate', '--report', 'head.json');
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /'package\.metadata\.asyncbloat\.max-future-bytes' in crate\/Cargo\.toml:4: expected a byte size/,
  );
});

test('check: suppression comments are read from the source; one without reason is exit 2', async () => {
  write('tight.toml', 'max-future-bytes = 512\n');
  write(
    'src/lib.rs',
    'fn a() {}\n// asyncbloat: allow(future-size) reason = "DMA buffer"\nasync fn send() {}\n',
  );
  const ok = await cli('check', '--report', 'head.json', '--config', 'tight.toml', '--color', 'never');
  assert.equal(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /suppressed \[future-size\] radio::send \(comment at src\/lib\.rs:2\): DMA buffer/);
  write('src/lib.rs', 'fn a() {}\n// asyncbloat: allow(future-size)\nasync fn send() {}\n');
  const bad = await cli('check', '--report', 'head.json', '--config', 'tight.toml', '--color', 'never');
  assert.equal(bad.code, 2);
  assert.match(
    bad.err,
    /^error: invalid suppression comment at src\/lib\.rs:2: suppression of future-size has no reason/,
  );
});

test('analyze --baseline diffs a report against a file read before the build, or names the bad file', async () => {
  const d = diffReports(readReportFile(join(dir, 'base.json')), head);
  assert.equal(d.summary, '1 future grew (+768 B), 1 added, 1 removed');
  assert.throws(
    () => readReportFile(join(dir, 'nope.json')),
    (e: unknown) => e instanceof UserError && e.message.includes('nope.json'),
  );
  const r = await cli('check', 'no/such/dir', '--report', 'head.json');
  assert.equal(r.code, 2);
  assert.match(r.err, /^error: 'no\/such\/dir' does not exist/);
});

test('analyze rejects a bad --filter regex or --baseline file before it builds anything', async () => {
  // `dir` holds no Cargo.toml: a build would fail with cargo's error, so these errors prove no build ran.
  const regex = await cli('analyze', '--filter', '(');
  assert.equal(regex.code, 2);
  assert.match(regex.err, /^error: invalid --filter regex: /);
  const base = await cli('analyze', '--baseline', 'nope.json');
  assert.equal(base.code, 2);
  assert.match(base.err, /nope\.json/);
  assert.doesNotMatch(base.err, /Cargo\.toml|cargo/);
  const link = await cli('analyze', '--html-link', 'https://ci/report.html');
  assert.equal(link.code, 2);
  assert.match(link.err, /^error: --html-link links the Markdown report's items/);
});
