// `check` in a cargo workspace, end to end with real builds of test/fixtures/budget/workspace: the workspace
// sets `max-future-bytes = "4 KiB"`; the member `app` (package budget-ws-app) sets 48 B and makes `no-await`
// an error, for its own items only. The member `radio` (package budget-ws-radio, crate budget_ws_radio) has
// a future over 48 B and a no-await finding, which must stay within the workspace's budgets and a warning,
// whether `check` runs at the root, with `-p`, or in the member's directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/budget/workspace/', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-budget-ws-'));
const ws = join(tmp, 'ws');
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', CARGO_INCREMENTAL: '0' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface JsonViolation {
  budget: string;
  crate: string | null;
  item: string | null;
  rule: string | null;
  limit: string | null;
  actual: string | null;
}
const row = (v: JsonViolation) => [v.budget, v.crate, v.item, v.rule, v.limit, v.actual];

/** The future size of `run` as `analyze` measures it (rustc's -Zprint-type-sizes), the truth for `actual`. */
let runBytes = 0;
before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  cpSync(FIXTURE, ws, { recursive: true });
  const r = cli(ws, 'analyze', '--format', 'json');
  assert.equal(r.code, 0, r.err);
  const items = JSON.parse(r.out).items as { crate: string; name: string; futureBytes: number | null }[];
  const run = items.find((i) => i.crate === 'budget_ws_app' && i.name === 'run');
  const send = items.find((i) => i.crate === 'budget_ws_radio' && i.name === 'send');
  assert.ok(run?.futureBytes && send?.futureBytes, JSON.stringify(items));
  // The fixture only tests something if radio's future would break app's budget were it applied there.
  assert.ok(
    run.futureBytes > 48 && send.futureBytes > 48,
    `run ${run.futureBytes} B, send ${send.futureBytes} B`,
  );
  runBytes = run.futureBytes;
});

test('check at the root, with -p and in the member directory applies the member’s budgets to its items only', () => {
  const expected = [['future-size', 'budget_ws_app', 'run', null, '48 B', `${runBytes} B`]];
  for (const [cwd, args] of [
    [ws, []],
    [ws, ['-p', 'budget-ws-app']],
    [ws, ['-p', 'budget-ws-a*']],
    [ws, ['app']],
    [join(ws, 'app'), []],
  ] as [string, string[]][]) {
    const what = `check ${args.join(' ')} in ${cwd === ws ? 'the root' : 'app/'}`;
    const r = cli(cwd, 'check', ...args, '--format', 'json');
    assert.equal(r.code, 1, `${what}: ${r.out}${r.err}`);
    const result = JSON.parse(r.out);
    assert.deepEqual(result.violations.map(row), expected, what);
    // radio's no-await finding stays a warning: app's rule level is app's. With -p, as with cargo clippy -p,
    // radio (built as app's dependency) is not checked at all, and the report says so.
    const selected = args[0] === '-p';
    assert.deepEqual(
      result.warnings.map(row),
      selected ? [] : [['rule', 'budget_ws_radio', 'ready', 'no-await', null, null]],
      what,
    );
  }
  const analyzed = JSON.parse(cli(ws, 'analyze', '-p', 'budget-ws-app', '--format', 'json').out);
  assert.deepEqual([...new Set(analyzed.items.map((i: { crate: string }) => i.crate))], ['budget_ws_app']);
  assert.ok(
    analyzed.warnings.some((w: string) =>
      w.startsWith('workspace member budget-ws-radio built as a dependency'),
    ),
    analyzed.warnings.join('\n'),
  );
  const human = cli(ws, 'check', '--color', 'never');
  assert.match(
    human.out,
    /^error\[future-size\]: future of `run` is \d+ B, over max-future-bytes 48 B by \d+ B\n {2}--> app\/src\/lib\.rs:2\n/,
  );
  assert.match(
    human.out,
    /\nwarning\[no-await\]: `async fn ready` never awaits\n {2}--> radio\/src\/lib\.rs:\d+\n/,
  );
  assert.match(human.out, /\ncheck failed: 1 budget exceeded \(future-size\); 1 warning\n$/);
});

test('a member’s configuration that applies to no built item is noted, not skipped silently', () => {
  const r = cli(ws, 'check', '-p', 'budget-ws-radio', '--format', 'json');
  assert.equal(r.code, 0, r.out + r.err);
  const result = JSON.parse(r.out);
  assert.deepEqual(result.violations, []);
  assert.ok(
    result.notes.some((n: string) =>
      n.startsWith(
        'package budget-ws-app has its own configuration (app/Cargo.toml [package.metadata.asyncbloat]) but no item of its crates (budget_ws_app) is in the report',
      ),
    ),
    result.notes.join('\n'),
  );
});
