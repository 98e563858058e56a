// analyze end to end on a fixture crate with every kind of async body, with the real compiler. The numbers
// asyncbloat reports are checked against rustc's own text: each layout's size against the
// -Zprint-type-sizes line for that type (found with a plain regex here, not with our reader), each state
// count against the MIR body's suspend points, and each await count against the source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { analyzeBuild } from '../../src/analyze/index.ts';
import { type BuildArtifacts, buildForAnalysis } from '../../src/cargo/build.ts';
import type { AnalysisReport } from '../../src/model/report.ts';
import { itemNamed as byName, checkAgainstCompiler, checkCodeAgainstNm } from '../support/analysis-checks.ts';
import { has, need } from '../support/require.ts';

const fixture = new URL('../fixtures/analyze/joined/', import.meta.url).pathname;
for (const toolchain of ['stable', 'nightly'] as const) {
  describe(`analyze on ${toolchain}`, () => {
    let report: AnalysisReport;
    let build: BuildArtifacts;

    test('builds and joins every async body', async (t) => {
      if (toolchain === 'nightly' && !need(t, 'a nightly toolchain', has.nightly())) return;
      build = await buildForAnalysis({
        manifestPath: fixture,
        nightly: toolchain === 'nightly',
        progress: false,
      });
      report = await analyzeBuild(build);
      assert.equal(report.build.profile, 'dev');
      assert.equal(report.build.bootstrap, toolchain === 'stable');
      assert.match(report.build.toolchain, toolchain === 'nightly' ? /nightly/ : /^rustc 1\./);
      // Every item the scan found was matched to a MIR body: states known for all.
      for (const item of report.items) {
        assert.notEqual(item.states, null, `${item.name} has no MIR body`);
        assert.equal(item.origin, 'scan');
        assert.equal(item.suspendPoints, item.awaits, `${item.name}: suspend points vs source awaits`);
      }
      assert.equal(report.unparsed.length, 0, JSON.stringify(report.unparsed));
    });

    test("sizes and states equal rustc's own output", (t) => {
      if (!report) return t.skip('build failed');
      assert.ok(checkAgainstCompiler(report, build) >= 10, 'expected a layout for most items');
    });

    test('machine code per item equals nm -S of the binary', (t) => {
      if (!report) return t.skip('build failed');
      if (!need(t, 'rustfilt', has.rustfilt())) return;
      assert.ok(checkCodeAgainstNm(report) >= 20, 'poll fns, drop glue and runtime parts of every item');
      for (const item of report.items) {
        assert.ok(item.code && !item.code.inlined, `${item.name} has its own poll fn in a debug build`);
        assert.ok(
          item.panicSites && item.panicSites.resumed >= 1,
          `${item.name} has a resumed-after-completion site`,
        );
      }
      const lib = report.crates.find((c) => c.name === 'joined');
      assert.ok(lib?.asyncCodeBytes && lib.textBytes && lib.asyncCodeBytes < lib.textBytes);
    });

    test('generic instantiations are listed under their item', (t) => {
      if (!report) return t.skip('build failed');
      const g = byName(report, 'generic');
      assert.deepEqual(g.layouts.map((l) => l.typeName).sort(), [
        '{async fn body of generic<u64>()}',
        '{async fn body of generic<u8>()}',
      ]);
    });

    test('held across awaits, duplicated arguments and awaitee children', (t) => {
      if (!report) return t.skip('build failed');
      const big = byName(report, 'with_big_local');
      const held = big.heldAcrossAwait.find((h) => h.state === 'Suspend0');
      assert.ok(
        held?.fields.some((f) => f.name === 'buf' && f.bytes === 1024),
        JSON.stringify(held),
      );
      // The await's line comes from MIR spans; the truth is the `.await` after the fn header in the source.
      const lines = readFileSync(`${fixture}src/lib.rs`, 'utf8').split('\n');
      const header = lines.findIndex((l) => l.includes('async fn with_big_local'));
      const awaitLine = lines.findIndex((l, k) => k > header && l.includes('.await')) + 1;
      assert.equal(held?.line, awaitLine);
      const twice = byName(report, 'arg_after_await');
      assert.deepEqual(twice.duplicatedArgs, [{ name: 'data', bytes: 64 }]);
      const top = byName(report, 'top');
      const children = top.children.map((c) => c.item).filter(Boolean);
      for (const child of [
        'with_big_local',
        'arg_after_await',
        '<Doubler as Service>::call',
        'block::{async block#0}',
      ]) {
        assert.ok(children.includes(child), `top's children ${children.join(', ')} lack ${child}`);
      }
    });

    test('the bin crate and the async closure and block are joined', (t) => {
      if (!report) return t.skip('build failed');
      assert.equal(byName(report, 'run').crate, 'joined_bin');
      assert.equal(byName(report, 'uses_closure::{async closure#0}').kind, 'async-closure');
      assert.equal(byName(report, 'block::{async block#0}').kind, 'async-block');
    });
  });
}
