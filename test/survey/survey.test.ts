// `asyncbloat survey` end to end on real crates: three of Debian's registry (built offline through the
// wrapper package), the example firmware (a bin, analysed in place) and a crate that does not compile.
// Every figure is compared with what `analyze` itself reports, or between runs: none is typed in.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { SurveySummary } from '../../src/survey/aggregate.ts';
import { distribution } from '../../src/survey/aggregate.ts';
import { listCrates, parseShard, shardOf } from '../../src/survey/inputs.ts';
import { has, need } from '../support/require.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-survey-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const REGISTRY = '/usr/share/cargo/registry';
const CRATES = [
  `${REGISTRY}/tokio-util-0.7.3`,
  `${REGISTRY}/http-body-0.4.5`,
  `${REGISTRY}/futures-channel-0.3.21`,
  join(REPO, 'examples/firmware-demo'),
  join(REPO, 'test/fixtures/crates/broken'),
];
const list = join(tmp, 'crates.txt');
const target = join(tmp, 'target');

function survey(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    [CLI, 'survey', ...args, '--target-dir', target, '--format', 'json'],
    {
      cwd: tmp,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CARGO_INCREMENTAL: '0' },
    },
  );
  return {
    code: r.status,
    json: r.stdout ? (JSON.parse(r.stdout) as SurveySummary) : undefined,
    err: r.stderr,
  };
}

test('shards split the sorted list deterministically and cover it once', () => {
  const xs = Array.from({ length: 11 }, (_, k) => k);
  const parts = [1, 2, 3].map((k) => shardOf(xs, { k, n: 3 }));
  assert.deepEqual(
    parts.flat().sort((a, b) => a - b),
    xs,
  );
  assert.deepEqual(
    parts.map((p) => p.length),
    [4, 4, 3],
  );
  assert.deepEqual(parseShard('2/4'), { k: 2, n: 4 });
  for (const bad of ['0/2', '3/2', '2', 'a/b']) assert.throws(() => parseShard(bad), /invalid --shard/);
});

test('median, p90 and max by nearest rank', () => {
  assert.deepEqual(distribution([5, 1, 4, 2, 3, 10, 9, 8, 7, 6]), { count: 10, median: 5, p90: 9, max: 10 });
  assert.deepEqual(distribution([]), { count: 0, median: null, p90: null, max: null });
});

describe('survey of Debian crates, the example and a broken crate', () => {
  let full: SurveySummary;
  before(() => {
    // The registry is a directory source: cargo finds this config above every package the survey builds.
    mkdirSync(join(tmp, '.cargo'));
    cpSync(join(REPO, 'test/fixtures/crates/hyper-app/.cargo/config.toml'), join(tmp, '.cargo/config.toml'));
    writeFileSync(list, `${CRATES.join('\n')}\n`);
  });

  test('each crate that builds matches its own analyze; the broken one is listed with its error', (t) => {
    if (!need(t, 'Debian crate sources', has.debianRegistry())) return;
    const r = survey(list, '--out', join(tmp, 'full'), '--no-nightly');
    assert.equal(r.code, 0, r.err);
    full = r.json!;
    assert.deepEqual(
      full.crates.map((c) => c.crate),
      ['firmware-demo', 'futures-channel', 'http-body', 'tokio-util'],
    );
    assert.equal(full.failed.length, 1);
    assert.equal(full.failed[0]!.crate, 'broken');
    assert.match(full.failed[0]!.error, /^error\[E\d+\]/);
    // The example, analysed by `analyze` itself: the same items and root futures.
    const own = spawnSync(
      process.execPath,
      [CLI, 'analyze', join(REPO, 'examples/firmware-demo'), '--no-nightly', '--format', 'json'],
      {
        encoding: 'utf8',
        env: { ...process.env, CARGO_INCREMENTAL: '0' },
      },
    );
    const report = JSON.parse(own.stdout) as {
      items: { futureBytes: number | null }[];
      goalEstimate: { total: { id: string; items: number }[] };
    };
    const demo = full.crates.find((c) => c.crate === 'firmware-demo')!;
    assert.equal(demo.asyncItems, report.items.length);
    assert.equal(
      demo.goals['no-await'].items,
      report.goalEstimate.total.find((g) => g.id === 'no-await')!.items,
    );
    assert.ok(demo.asyncTextShare !== null && demo.asyncTextShare > 0 && demo.asyncTextShare < 1);
    // tokio-util's async fns are there, analysed as a dependency of the wrapper package.
    assert.ok(full.crates.find((c) => c.crate === 'tokio-util')!.asyncItems > 0);
    assert.equal(
      full.totals.asyncItems,
      full.crates.reduce((n, c) => n + c.asyncItems, 0),
    );
  });

  test('an interrupted survey resumes where it stopped, with the same result', async (t) => {
    if (!need(t, 'Debian crate sources', has.debianRegistry())) return;
    const out = join(tmp, 'resumed');
    // Killed as soon as the first result is on disk.
    const child = spawn(
      process.execPath,
      [CLI, 'survey', list, '--out', out, '--target-dir', target, '--no-nightly'],
      {
        cwd: tmp,
        stdio: 'ignore',
      },
    );
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        let n = 0;
        try {
          n = readdirSync(join(out, 'results')).filter((f) => f.endsWith('.json')).length;
        } catch {}
        if (n >= 1 || child.exitCode !== null) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    const done = readdirSync(join(out, 'results')).filter((f) => f.endsWith('.json')).length;
    assert.ok(done >= 1 && done < CRATES.length, `${done} results before the kill`);
    const r = survey(list, '--out', out, '--no-nightly');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /: cached\n/);
    assert.deepEqual(r.json, full);
  });

  test('two shards merged equal one run', (t) => {
    if (!need(t, 'Debian crate sources', has.debianRegistry())) return;
    for (const k of [1, 2])
      assert.equal(
        survey(list, '--out', join(tmp, `shard${k}`), '--shard', `${k}/2`, '--no-nightly').code,
        0,
      );
    const merged = survey('--merge', join(tmp, 'shard1'), join(tmp, 'shard2'));
    assert.equal(merged.code, 0, merged.err);
    assert.deepEqual(merged.json, full);
  });

  test('markdown and html show the same crates; html draws the distribution', (t) => {
    if (!need(t, 'Debian crate sources', has.debianRegistry())) return;
    const run = (format: string) =>
      spawnSync(process.execPath, [CLI, 'survey', '--merge', join(tmp, 'full'), '--format', format], {
        encoding: 'utf8',
      }).stdout;
    const md = run('markdown');
    for (const c of full.crates) assert.ok(md.includes(`| ${c.crate} ${c.version} |`), c.crate);
    assert.match(md, /\*\*Did not build\*\*\n\n- broken 0\.1\.0: error\\\[E/);
    const html = run('html');
    assert.match(html, /<meta http-equiv="Content-Security-Policy"/);
    assert.doesNotMatch(html, /<script/);
    const counted = [...html.matchAll(/data-count="(\d+)"/g)].reduce((n, m) => n + Number(m[1]), 0);
    assert.equal(counted, full.distributions.itemFutureBytes.count);
  });
});

test('listCrates reads a directory of packages and leaves out those without async code, saying why', () => {
  const dir = join(tmp, 'pkgs');
  const packages: [string, string][] = [
    ['a', 'pub async fn f() {}'],
    ['b', 'pub fn g() {}'],
  ];
  for (const [name, src] of packages) {
    mkdirSync(join(dir, name, 'src'), { recursive: true });
    writeFileSync(
      join(dir, name, 'Cargo.toml'),
      `[package]\nname = "${name}"\nversion = "1.0.0"\n[features]\nx = []\n`,
    );
    writeFileSync(join(dir, name, 'src', 'lib.rs'), src);
  }
  mkdirSync(join(dir, 'c'));
  writeFileSync(join(dir, 'c', 'Cargo.toml'), '[workspace]\nmembers = []\n');
  const { crates, skipped } = listCrates(dir);
  assert.deepEqual(
    crates.map((c) => [c.name, c.lib, c.features]),
    [['a', true, ['x']]],
  );
  assert.deepEqual(skipped.map((s) => s.reason).sort(), [
    'no [package] (a virtual workspace manifest: list its members instead)',
    'no `async` in src/',
  ]);
});
