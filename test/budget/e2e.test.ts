// End to end with real builds: the fixture crate test/fixtures/budget/app is committed into a temporary git
// repository three times (base; `radio::send` holding a 16x larger buffer across its await; base with
// `send` moved below `recv`). `asyncbloat analyze --format json` (the built CLI, dist/cli.js) runs on a
// worktree of each commit; then `check --baseline` and `diff` compare them. Expected sizes come from rustc's
// own -Zprint-type-sizes on the same source, never from numbers typed here.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/budget/', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-budget-e2e-'));
const repo = join(tmp, 'repo');
after(() => rmSync(tmp, { recursive: true, force: true }));

function git(...args: string[]): string {
  return execFileSync('git', ['-C', repo, '-c', 'commit.gpgsign=false', ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  }).trim();
}

function commitVariant(variant: string | undefined, message: string, parent?: string): string {
  if (parent) git('checkout', '-q', '--detach', parent);
  if (variant) copyFileSync(join(FIXTURE, 'variants', variant), join(repo, 'src/lib.rs'));
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', CARGO_INCREMENTAL: '0' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Checks out `commit` into its own worktree and writes `analyze --format json` of it to NAME.json. */
function analyzeAt(commit: string, name: string): string {
  const wt = join(tmp, name);
  git('worktree', 'add', '-q', '--detach', wt, commit);
  const r = cli(wt, 'analyze', '--format', 'json');
  assert.equal(r.code, 0, `analyze at ${name} failed (exit ${r.code}):\n${r.err}`);
  const out = join(tmp, `${name}.json`);
  writeFileSync(out, r.out);
  return out;
}

/** The truth for a future's size: rustc's -Zprint-type-sizes on that version of the source. */
function rustcFutureBytes(srcFile: string, typeName: string): number {
  const out = execFileSync(
    'rustc',
    [
      '--edition',
      '2021',
      '--crate-type',
      'lib',
      '-Zprint-type-sizes',
      '-o',
      join(tmp, 'probe.rlib'),
      srcFile,
    ],
    { encoding: 'utf8', env: { ...process.env, RUSTC_BOOTSTRAP: '1' } },
  );
  const line = out.split('\n').find((l) => l.includes(`type: \`${typeName}\`:`));
  assert.ok(line, `rustc printed no layout for ${typeName}`);
  return Number(/`: (\d+) bytes/.exec(line)![1]);
}

const reports: Record<string, string> = {};
before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  cpSync(join(FIXTURE, 'app'), repo, { recursive: true });
  git('init', '-q');
  const base = commitVariant(undefined, 'base');
  const grown = commitVariant('grown.rs', 'radio::send holds a bigger buffer');
  const moved = commitVariant('moved.rs', 'move radio::send below radio::recv', base);
  reports.base = analyzeAt(base, 'base');
  reports.grown = analyzeAt(grown, 'grown');
  reports.moved = analyzeAt(moved, 'moved');
});

const SEND = '{async fn body of radio::send()}';

test('check --baseline trips the budgets on the grown future, naming the item, the growth and the field', () => {
  const before = rustcFutureBytes(join(FIXTURE, 'app/src/lib.rs'), SEND);
  const after = rustcFutureBytes(join(FIXTURE, 'variants/grown.rs'), SEND);
  assert.ok(after - before > 64, 'the fixture must grow by more than its max-growth');
  const r = cli(join(tmp, 'grown'), 'check', '.', '--report', reports.grown!, '--baseline', reports.base!);
  assert.equal(r.code, 1, r.out + r.err);
  assert.ok(
    r.out.includes(
      `error[future-growth]: future of \`radio::send\` grew by ${after - before} B (${before} B \u2192 ${after} B`,
    ),
    r.out,
  );
  assert.ok(
    r.out.includes(
      `error[future-size]: future of \`radio::send\` is ${after} B (was ${before} B), over max-future-bytes 512 B`,
    ),
    r.out,
  );
  assert.match(r.out, /= grew: local \.?buf in Suspend0[^\n]*\(\+\d+ B\)/);
  assert.doesNotMatch(r.out, /radio::recv/);
  // Without --report, check builds and analyses the crate itself and reaches the same verdict.
  const own = cli(join(tmp, 'grown'), 'check', '--baseline', reports.base!, '--format', 'json');
  assert.equal(own.code, 1, own.err);
  assert.deepEqual(
    JSON.parse(own.out).violations.map((v: { budget: string; item: string; actual: string }) => [
      v.budget,
      v.item,
      v.actual,
    ]),
    [
      ['future-size', 'radio::send', `${after} B`],
      ['future-growth', 'radio::send', `+${after - before} B`],
    ],
  );
  const json = JSON.parse(cli(tmp, 'diff', reports.base!, reports.grown!, '--format', 'json').out);
  const status = Object.fromEntries(
    json.items.map((i: { name: string; status: string }) => [i.name, i.status]),
  );
  assert.equal(status['radio::send'], 'changed');
  assert.equal(status['radio::recv'], 'unchanged');
});

test('moving a function without changing it reports no change', () => {
  const r = cli(tmp, 'diff', reports.base!, reports.moved!, '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const diff = JSON.parse(r.out);
  const send = diff.items.find((i: { name: string }) => i.name === 'radio::send');
  assert.ok(send, 'radio::send is in the diff');
  // It did move: the line differs between the two reports ...
  assert.notEqual(send.line, send.baseLine);
  // ... and nothing else did.
  assert.deepEqual(
    diff.items.filter((i: { status: string }) => i.status !== 'unchanged'),
    [],
  );
  assert.match(diff.summary, /^no change in \d+ async items?$/);
  const check = cli(
    join(tmp, 'moved'),
    'check',
    '.',
    '--report',
    reports.moved!,
    '--baseline',
    reports.base!,
  );
  assert.equal(check.code, 0, check.out + check.err);
});
