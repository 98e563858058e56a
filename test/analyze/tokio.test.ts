// analyze on a real-world app: tokio + futures from Debian's crate sources, built offline. With --deps,
// tokio's own futures are analysed too.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeBuild } from '../../src/analyze/index.ts';
import { namesItem, pathSegments } from '../../src/analyze/item-keys.ts';
import { type BuildArtifacts, buildForAnalysis } from '../../src/cargo/build.ts';
import {
  coroutinePathsIn,
  isClosure,
  isQualified,
  type Segment,
  splitTopLevel,
  symbolSegments,
} from '../../src/measure/code-paths.ts';
import type { AnalysisReport } from '../../src/model/report.ts';
import { checkAgainstCompiler, itemNamed, mirPollBodies } from '../support/analysis-checks.ts';
import { has, need } from '../support/require.ts';

const app = new URL('../fixtures/crates/tokio-app/', import.meta.url).pathname;

describe('analyze the tokio app', () => {
  let build: BuildArtifacts | undefined;

  test('builds offline against the Debian registry', async (t) => {
    if (!need(t, 'Debian crate sources (librust-tokio-dev)', has.debianRegistry())) return;
    build = await buildForAnalysis({ manifestPath: app, offline: true, progress: false, deps: true });
  });

  test('without --deps: the app items, #[tokio::main] joined to its async fn', async (t) => {
    if (!build) return t.skip('no build');
    const report: AnalysisReport = await analyzeBuild(build, {});
    assert.deepEqual([...new Set(report.items.map((i) => i.crate))], ['tokio_app']);
    const main = itemNamed(report, 'main');
    assert.equal(main.origin, 'scan');
    assert.ok(main.futureBytes !== null && main.states !== null, 'main has a layout and a MIR body');
    const echo = itemNamed(report, 'echo_once');
    assert.ok(echo.heldAcrossAwait.some((h) => h.fields.some((f) => f.name === 'buf' && f.bytes === 4096)));
    assert.equal(report.items.filter((i) => i.origin === 'compiler').length, 0);
    checkAgainstCompiler(report, build);
  });

  test("with --deps: tokio's futures, one per MIR poll body", async (t) => {
    if (!build) return t.skip('no build');
    const report = await analyzeBuild(build, { deps: true });
    const tokio = build.crates.find((c) => c.crateName === 'tokio');
    assert.ok(tokio && tokio.mir.length > 0, 'tokio MIR returned with deps');
    const withMir = report.items.filter((i) => i.crate === 'tokio' && i.states !== null);
    assert.equal(withMir.length, mirPollBodies(tokio.mir));
    assert.ok(withMir.length >= 50, `only ${withMir.length} tokio futures`);
    // What tokio's build did not compile (cfg-gated) is counted, not listed as empty rows.
    const uncompiled = report.items.filter(
      (i) => i.crate === 'tokio' && i.states === null && i.layouts.length === 0,
    );
    assert.equal(uncompiled.length, 0);
    assert.ok(
      report.warnings.some((w) => /async items? of dependency tokio not compiled in this build/.test(w)),
    );
    // tokio's generic futures are laid out where they are instantiated: in the app's crate.
    const send = report.items.find((i) => i.crate === 'tokio' && i.name.endsWith('Sender::send'));
    assert.ok(
      send && send.futureBytes !== null,
      'tokio::sync::mpsc::Sender::send has its layout from the app',
    );
    checkAgainstCompiler(report, build);
  });

  test('with --deps: every symbol credited to an item is that item’s own, by module and type', async (t) => {
    if (!build) return t.skip('no build');
    const report = await analyzeBuild(build, { deps: true });
    // Names without closures, generic arguments or a trait: `<tokio::sync::mpsc::bounded::Receiver<u32>>::
    // recv::{closure#0}` is tokio sync mpsc bounded Receiver recv.
    const names = (segs: Segment[]) =>
      segs.flatMap((s) => (isClosure(s) ? [] : isQualified(s) ? splitTopLevel(s.self) : [s]));
    let checked = 0;
    for (const item of report.items) {
      const own = pathSegments(item.name).filter((s) => !/^\{async (block|closure)#\d+\}$/.test(s));
      for (const part of item.code?.parts ?? []) {
        if (part.kind === 'runtime') continue;
        const paths = coroutinePathsIn(part.symbol).map((p) => names(symbolSegments(p)));
        assert.ok(
          paths.some((p) => p[0] === item.crate && namesItem(own, p.slice(1))),
          `${item.crate}::${item.name} credited with ${part.symbol}`,
        );
        checked++;
      }
    }
    assert.ok(checked > 20, `${checked} symbols checked`);
    // Same-named methods of other types stay theirs: tokio's mpsc and oneshot `Sender::closed`, never
    // linked in this app, are not credited with watch's; broadcast's `Receiver::recv` not with mpsc's.
    for (const name of [
      'sync::mpsc::bounded::Sender::closed',
      'sync::oneshot::Sender::closed',
      'sync::broadcast::Receiver::recv',
    ])
      assert.deepEqual(
        report.items.find((i) => i.crate === 'tokio' && i.name === name)?.code?.parts ?? [],
        [],
        name,
      );
    // A layout printed under its re-exported path (`tokio::sync::mpsc::Receiver<u32>::recv`) reaches its item.
    const recv = report.items.find(
      (i) => i.crate === 'tokio' && i.name === 'sync::mpsc::bounded::Receiver::recv',
    );
    assert.ok(recv?.futureBytes, 'mpsc Receiver::recv has its layout');
  });
});
