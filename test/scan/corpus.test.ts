// The Debian crate sources end to end: the whole registry scans without a crash, every file is accounted
// for, and in the async-heavy crates the async fns found are exactly the lines a grep for `async fn`
// declarations finds (in src/, where no test code is commented out).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scan } from '../../src/scan/index.ts';
import { createPool } from '../../src/scan/worker-pool.ts';
import { has, need } from '../support/require.ts';

const REGISTRY = '/usr/share/cargo/registry';
const DECL = String.raw`^\s*(pub(\([^)]*\))?\s+)?(const\s+)?async\s+(unsafe\s+)?(extern\s+"[^"]*"\s+)?fn\b`;

function grepLines(dir: string): string[] {
  const out = execFileSync('grep', ['-rnE', '--include=*.rs', DECL, dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return out
    .trim()
    .split('\n')
    .map((l) => {
      const m = /^(.*?):(\d+):/.exec(l)!;
      return `${m[1]!.slice(dir.length + 1)}:${m[2]}`;
    })
    .sort();
}

describe('Debian registry corpus', () => {
  it('scans every file of the whole registry without a crash', async (t) => {
    if (!need(t, 'Debian crate sources (librust-tokio-dev ...)', has.debianRegistry())) return;
    const report = await scan(REGISTRY, { cache: false });
    const rsFiles = execFileSync('find', [REGISTRY, '-name', '*.rs', '-type', 'f'], { encoding: 'utf8' })
      .trim()
      .split('\n').length;
    assert.equal(report.stats.filesScanned + report.stats.skipped.length, rsFiles);
    assert.ok(report.stats.filesWithoutAsync > 0 && report.stats.filesWithoutAsync < rsFiles);
    for (const kind of ['async-fn', 'async-block'] as const) {
      assert.ok(report.items.filter((i) => i.kind === kind).length > 500, `many ${kind}s`);
    }
    const names = new Set(report.items.map((i) => i.name));
    for (const f of report.findings) {
      assert.ok(f.item === undefined || names.has(f.item), `finding names a known item: ${f.item}`);
      assert.ok(f.line >= 1 && f.column >= 1 && f.byteEnd >= f.byteStart);
    }
    const perRule = new Set(report.findings.map((f) => f.rule));
    assert.ok(perRule.has('no-await') && perRule.has('single-await-wrapper'));
  });

  for (const crate of ['tokio-1.24.2', 'hyper-0.14.19', 'tokio-util-0.7.3', 'h2-0.3.13']) {
    it(`${crate}/src: async fns are exactly the grep hits`, async (t) => {
      if (!need(t, 'Debian crate sources (librust-tokio-dev ...)', has.debianRegistry())) return;
      const dir = join(REGISTRY, crate, 'src');
      const report = await scan(dir, { cache: false });
      const found = report.items
        .filter((i) => i.kind === 'async-fn')
        .map((i) => `${i.file}:${i.line}`)
        .sort();
      assert.ok(found.length > 0);
      assert.deepEqual(found, grepLines(dir));
    });
  }
});

describe('worker threads', () => {
  it('parse in worker threads when run from source', async () => {
    const pool = createPool(2);
    try {
      assert.equal(pool.threads, 2);
      const jobs = ['async fn a() { b().await }', 'async fn c() {}', 'fn d() {}'].map((text, i) =>
        pool.run({
          source: new TextEncoder().encode(text),
          path: `/nonexistent/f${i}.rs`,
          file: `f${i}.rs`,
          modulePath: 'm',
          edition: '2021',
          dependencies: [],
        }),
      );
      const results = await Promise.all(jobs);
      assert.deepEqual(
        results.map((r) => r.items.map((i) => i.name)),
        [['m::a'], ['m::c'], []],
      );
      assert.equal(pool.doneInWorkers, 3);
    } finally {
      await pool.close();
    }
  });

  it('give the same report as parsing in-process', async (t) => {
    if (!need(t, 'Debian crate sources (librust-tokio-dev ...)', has.debianRegistry())) return;
    const dir = join(REGISTRY, 'tokio-1.24.2', 'src');
    const inProcess = await scan(dir, { cache: false, threads: 0 });
    const threaded = await scan(dir, { cache: false, threads: 2 });
    assert.deepEqual(threaded, inProcess);
  });
});
