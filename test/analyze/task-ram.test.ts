// RAM per task (issue #15) on test/fixtures/analyze/embassy-like, a std crate that expands tasks exactly as
// embassy-executor 0.9's `#[task]` does (a `static POOL` sized by const fns from the task fn's future type)
// and runs them on a small executor. Every figure is checked against `nm -S` of the analysed binary (names
// demangled by rustfilt) and against rustc's own -Zprint-type-sizes of the crate, in dev and release.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderAnalyzeTable } from '../../src/report/analyze-human.ts';
import { colors } from '../../src/report/colors.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { RULES } from '../../src/rules/index.ts';
import { typeHeaders } from '../readers/rustc-text.ts';
import { launch, openReport } from '../report/browser.ts';
import { has, need } from '../support/require.ts';
import { compileFixture } from '../support/rustc.ts';
import { analyzeFixture, nmData } from './support/static-ram.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const CRATE = fileURLToPath(new URL('../fixtures/analyze/embassy-like/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-tasks-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const analyze = (profile: 'dev' | 'release') => analyzeFixture(CRATE, tmp, profile, ['--no-nightly']);

const WANT = [
  { task: 'sampler', future: '__sampler_task::__sampler_task_inner_function', pool: 3, source: 'source' },
  { task: 'logger', future: '__logger_task::__logger_task_inner_function', pool: 1, source: 'derived' },
  {
    task: 'heartbeat',
    future: '__heartbeat_task::__heartbeat_task_inner_function',
    pool: 1,
    source: 'derived',
  },
] as const;

describe('RAM per task', () => {
  for (const profile of ['dev', 'release'] as const) {
    test(`${profile}: each task's static, pool and slot equal nm -S and -Zprint-type-sizes`, (t) => {
      if (!need(t, 'rustfilt', has.rustfilt())) return;
      const report = analyze(profile);
      const binary = resolve(report.root, report.build.artifact!);
      // The fixture is real: it runs, every task to completion.
      const run = spawnSync(binary, [], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^\d+\n$/);

      const nm = nmData(binary);
      const { typeSizes } = compileFixture({
        crateDir: CRATE,
        toolchain: 'stable',
        opt: profile === 'release',
        mir: false,
      });
      const types = typeHeaders(typeSizes);
      const size = (name: string) => {
        const h = types.find((x) => x.name === name);
        assert.ok(h, `rustc printed ${name}`);
        return h.bytes;
      };
      assert.deepEqual(report.tasks!.map((x) => x.name).sort(), WANT.map((w) => w.task).sort());
      for (const w of WANT) {
        const task = report.tasks!.find((x) => x.name === w.task)!;
        const future = `{async fn body of ${w.future}()}`;
        assert.equal(task.symbol, `embassy_like::${w.task}::POOL`);
        assert.equal(task.bytes, nm.get(task.symbol), `${w.task}: bytes = nm -S`);
        assert.equal(task.section, '.bss');
        assert.equal(task.poolSize, w.pool);
        assert.equal(task.poolSizeSource, w.source);
        assert.equal(task.future, w.future);
        assert.equal(task.futureBytes, size(future), `${w.task}: the future's size`);
        assert.equal(task.slotBytes, size(`executor::TaskStorage<${future}>`), `${w.task}: one slot`);
        assert.equal(task.bytes, size(`executor::TaskPool<${future}, ${w.pool}>`), `${w.task}: the pool`);
        assert.equal(task.headerBytes, size('executor::TaskHeader'), `${w.task}: the header`);
        assert.equal(task.slotBytes, task.headerBytes! + task.futureBytes! + task.paddingBytes!);
      }
      // The share of .bss + .data: the task statics are part of it.
      const total = report.tasks!.reduce((n, x) => n + x.bytes, 0);
      assert.ok(report.staticRamBytes! >= total);
      const table = renderAnalyzeTable(report, report.items, colors('never'));
      assert.match(table, /RAM per task: .* in 3 tasks \(\d+\.\d% of \.bss \+ \.data/);
      assert.match(table, /sampler is the biggest task: its future holds local `window` \(2048 B\)/);
      assert.match(renderMarkdown(report), /\*\*RAM per task: /);
    });
  }

  test('the HTML report shows the RAM per task section in Chromium', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const report = analyze('release');
    const file = join(tmp, 'tasks.html');
    const readSource = (f: string) => {
      try {
        return readFileSync(resolve(report.root, f), 'utf8');
      } catch {
        return undefined;
      }
    };
    writeFileSync(file, renderHtml(report, { readSource, rules: RULES.map((r) => r.meta) }));
    const browser = await launch();
    try {
      const r = await openReport(browser.ctx, file);
      const section = (await r.page.locator('#tasks').textContent()) ?? '';
      assert.match(section, /RAM per task: .* in 3 tasks/);
      for (const task of report.tasks!) assert.ok(section.includes(task.name), task.name);
      assert.ok(section.includes('sampler is the biggest task'), section);
      assert.deepEqual(r.problems, []);
      await r.close();
    } finally {
      await browser.close();
    }
  });

  test('check fails a task over max-task-bytes, and all tasks over max-task-ram', () => {
    const report = analyze('release');
    const reportFile = join(tmp, 'tasks.json');
    writeFileSync(reportFile, JSON.stringify(report));
    const sampler = report.tasks!.find((x) => x.name === 'sampler')!;
    const total = report.tasks!.reduce((n, x) => n + x.bytes, 0);
    const check = (toml: string) => {
      const config = join(tmp, 'asyncbloat.toml');
      writeFileSync(config, toml);
      return spawnSync(process.execPath, [CLI, 'check', CRATE, '--report', reportFile, '--config', config], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
    };
    const over = check(`max-task-bytes = ${sampler.bytes - 1}\n`);
    assert.equal(over.status, 1, over.stdout);
    assert.match(
      over.stdout,
      new RegExp(`error\\[task-ram\\]: task \`sampler\` takes ${sampler.bytes} B of RAM`),
    );
    assert.equal(check(`max-task-bytes = ${sampler.bytes}\n`).status, 0);
    // A glob for one task: the others keep the global limit.
    const glob = check(
      `max-task-bytes = ${sampler.bytes - 1}\n[[budget]]\nitem = "sampler"\nmax-task-bytes = ${sampler.bytes}\n`,
    );
    assert.equal(glob.status, 0, glob.stdout);
    const ram = check(`max-task-ram = ${total - 1}\n`);
    assert.equal(ram.status, 1, ram.stdout);
    assert.match(ram.stdout, /the 3 task statics take \d+ B of RAM, over max-task-ram/);
  });
});
