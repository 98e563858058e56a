// analyze on a real-world service: hyper 0.14 + tokio-util's codec + #[async_trait] handlers, built
// offline from Debian's crate sources. async_trait rewrites each method into a fn returning
// `Box::pin(async move { .. })`; that async block must be reported as the method, with rustc's numbers.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { analyzeBuild } from '../../src/analyze/index.ts';
import { type BuildArtifacts, buildForAnalysis, type CrateOutputs } from '../../src/cargo/build.ts';
import type { AnalysisReport } from '../../src/model/report.ts';
import {
  checkAgainstCompiler,
  checkCodeAgainstNm,
  itemNamed,
  mirPollBodies,
} from '../support/analysis-checks.ts';
import { has, need } from '../support/require.ts';

const app = new URL('../fixtures/crates/hyper-app/', import.meta.url).pathname;
const REGISTRY = '/usr/share/cargo/registry';
const CRATES = ['hyper-0.14.19', 'tokio-util-0.7.3', 'async-trait-0.1.56'];
const hasCrates = () => has.debianRegistry() && CRATES.every((c) => existsSync(`${REGISTRY}/${c}`));

describe('analyze the hyper app', () => {
  let build: BuildArtifacts | undefined;
  let report: AnalysisReport | undefined;

  test('builds offline against the Debian registry', async (t) => {
    if (!need(t, 'Debian crate sources (librust-{hyper,tokio-util,async-trait}-dev)', hasCrates())) return;
    build = await buildForAnalysis({ manifestPath: app, offline: true, progress: false, deps: true });
    report = await analyzeBuild(build, {});
  });

  test('#[async_trait] methods are their source items, with layouts and MIR', (t) => {
    if (!build || !report) return t.skip('no build');
    assert.deepEqual([...new Set(report.items.map((i) => i.crate))], ['hyper_app']);
    for (const name of [
      '<Echo as Handler>::handle',
      '<Checksum as Handler>::handle',
      '<Checksum as Handler>::describe',
      'Handler::describe',
    ]) {
      const item = itemNamed(report, name);
      assert.equal(item.origin, 'scan', name);
      assert.ok(item.futureBytes !== null && item.states !== null, `${name} has a layout and a MIR body`);
    }
    // The 2 KiB scratch array is held across the body read.
    const sum = itemNamed(report, '<Checksum as Handler>::handle');
    assert.ok(
      sum.heldAcrossAwait.some((h) => h.fields.some((f) => f.name === 'scratch' && f.bytes === 2048)),
    );
    // Nothing the compiler made is left unattributed, and every MIR poll body is one item.
    assert.equal(report.items.filter((i) => i.origin === 'compiler').length, 0);
    const own = build.crates.find((c) => c.crateName === 'hyper_app')!;
    assert.equal(report.items.filter((i) => i.states !== null).length, mirPollBodies(own.mir));
    assert.ok(checkAgainstCompiler(report, build) >= 10);
  });

  test('an integration test (tests/smoke.rs, not built) is left out and counted', (t) => {
    if (!report) return t.skip('no build');
    assert.ok(!report.items.some((i) => i.file?.startsWith('tests/')));
    assert.ok(
      report.warnings.some((w) =>
        /^1 async item of hyper-app is in targets this build does not compile/.test(w),
      ),
      report.warnings.join('\n'),
    );
  });

  test('machine code equals nm -S, including a trait default method instantiated for its impls', (t) => {
    if (!report) return t.skip('no build');
    if (!need(t, 'rustfilt', has.rustfilt())) return;
    assert.ok(checkCodeAgainstNm(report) >= 20);
    // A debug build inlines no poll fn: every item has one of its own. The default `describe` is
    // instantiated as `<Echo as Handler>::describe::{closure#0}` (Checksum overrides it).
    for (const item of report.items) assert.ok(item.code && !item.code.inlined, `${item.name}: poll fn`);
    const polls = itemNamed(report, 'Handler::describe')
      .code!.parts.filter((p) => p.kind === 'poll')
      .map((p) => p.symbol);
    assert.deepEqual(polls, ['<hyper_app::Echo as hyper_app::Handler>::describe::{closure#0}']);
  });

  test("with --deps: hyper's and tokio-util's futures, one per MIR poll body", async (t) => {
    if (!build) return t.skip('no build');
    const deps = await analyzeBuild(build, { deps: true });
    for (const crate of ['hyper', 'tokio_util']) {
      const c: CrateOutputs | undefined = build.crates.find((k) => k.crateName === crate);
      assert.ok(c && c.mir.length > 0, `${crate} MIR returned with deps`);
      const withMir = deps.items.filter((i) => i.crate === crate && i.states !== null);
      assert.equal(withMir.length, mirPollBodies(c.mir), crate);
    }
    // A package's tests/, benches/ and examples/ are crates of their own that this build never compiled.
    const otherTargets = deps.items.filter((i) =>
      new RegExp(`^${REGISTRY}/[^/]+/(tests|benches|examples)/`).test(i.file ?? ''),
    );
    assert.deepEqual(
      otherTargets.map((i) => `${i.crate} ${i.name} ${i.file}`).slice(0, 3),
      [],
      `${otherTargets.length} items of targets that were not built`,
    );
    checkAgainstCompiler(deps, build);
    // `hyper::body::to_bytes` is `body::to_bytes::to_bytes` re-exported from its module: the layout the
    // app's crate prints for it goes to that item, and the handlers' awaitee links to it.
    const toBytes = itemNamed(deps, 'body::to_bytes::to_bytes', 'hyper');
    assert.deepEqual(
      toBytes.layouts.map((l) => l.typeName),
      ['{async fn body of hyper::body::to_bytes<hyper::Body>()}'],
    );
    assert.ok(deps.items.some((i) => i.children.some((c) => c.item === 'body::to_bytes::to_bytes')));
  });
});
