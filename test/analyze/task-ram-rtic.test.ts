// RTIC 2's software-task executors (test/fixtures/analyze/rtic-like, a std crate that reproduces rtic's
// `export/executor.rs` and what rtic-macros emits for an app): each `static __rtic_internal_<task>_EXEC` is
// the task's RAM, one `AsyncTaskExecutor<F>` slot (the future, then the `running` and `pending` flags).
// Every figure is checked against `nm -S` of the analysed binary and rustc's -Zprint-type-sizes, dev and
// release.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { typeHeaders } from '../readers/rustc-text.ts';
import { has, need } from '../support/require.ts';
import { compileFixture } from '../support/rustc.ts';
import { analyzeFixture, fieldBytes, nmData } from './support/static-ram.ts';

const CRATE = fileURLToPath(new URL('../fixtures/analyze/rtic-like/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-rtic-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const analyze = (profile: 'dev' | 'release') => analyzeFixture(CRATE, tmp, profile, ['--no-nightly']);

describe('RAM per task: RTIC 2 executor statics', () => {
  for (const profile of ['dev', 'release'] as const) {
    test(`${profile}: each __rtic_internal_<task>_EXEC is the task app::<task>, one slot, equal to nm -S and -Zprint-type-sizes`, (t) => {
      if (!need(t, 'rustfilt', has.rustfilt())) return;
      const report = analyze(profile);
      const binary = resolve(report.root, report.build.artifact!);
      // The fixture is real: blinky(3) sums its 256-byte pattern of 3s, logger adds 1.
      const run = spawnSync(binary, [], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `sum ${256 * 3 + 1}\n`);

      const nm = nmData(binary);
      const execs = [...nm.keys()].filter((n) => /^rtic_like::app::__rtic_internal_\w+_EXEC$/.test(n));
      assert.deepEqual(
        report.tasks!.map((x) => [x.name, x.symbol, x.poolSize, x.poolSizeSource]),
        [
          ['app::blinky', 'rtic_like::app::__rtic_internal_blinky_EXEC', 1, 'derived'],
          ['app::logger', 'rtic_like::app::__rtic_internal_logger_EXEC', 1, 'derived'],
        ],
      );
      assert.deepEqual(report.tasks!.map((x) => x.symbol).sort(), execs.sort());

      const { typeSizes } = compileFixture({
        crateDir: CRATE,
        toolchain: 'stable',
        opt: profile === 'release',
        mir: false,
      });
      const size = (name: string) => typeHeaders(typeSizes).find((h) => h.name === name)?.bytes;
      for (const task of report.tasks!) {
        const future = `{async fn body of ${task.name}()}`;
        const executor = `executor::AsyncTaskExecutor<${future}>`;
        assert.equal(task.bytes, nm.get(task.symbol), `${task.name}: bytes = nm -S`);
        assert.equal(task.section, '.bss');
        assert.equal(task.future, task.name);
        assert.equal(task.futureBytes, size(future), `${task.name}: the future's size`);
        assert.equal(task.slotBytes, size(executor), `${task.name}: one executor`);
        assert.equal(task.bytes, task.slotBytes);
        assert.equal(
          task.headerBytes,
          fieldBytes(typeSizes, executor, 'running') + fieldBytes(typeSizes, executor, 'pending'),
        );
        assert.equal(task.paddingBytes, task.slotBytes! - task.headerBytes! - task.futureBytes!);
      }
    });
  }
});
