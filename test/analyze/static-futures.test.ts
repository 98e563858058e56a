// Futures in statics (test/fixtures/analyze/static-futures, nightly: only type_alias_impl_trait lets a
// static name a future's type): a `StaticCell<F>` of an `impl Future` alias is a static future, and a task
// in embassy-executor's `nightly`-feature expansion (`static POOL: TaskPool<<() as Trait>::Fut, 2>`) is a
// task pool. Every figure against `nm -S` of the analysed binary and rustc's -Zprint-type-sizes, dev and
// release; the HTML section in Chromium.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  implTraitAliases,
  outerConstructor,
  staticDeclarations,
} from '../../src/readers/rust-source/static-declarations.ts';
import { renderAnalyzeTable } from '../../src/report/analyze-human.ts';
import { colors } from '../../src/report/colors.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { RULES } from '../../src/rules/index.ts';
import { typeHeaders } from '../readers/rustc-text.ts';
import { launch, openReport } from '../report/browser.ts';
import { has, need } from '../support/require.ts';
import { compileFixture } from '../support/rustc.ts';
import { analyzeFixture, fieldBytes, nmData } from './support/static-ram.ts';

const CRATE = fileURLToPath(new URL('../fixtures/analyze/static-futures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-static-futures-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('static declarations: name, type as written, line; comments and strings are not code', () => {
  const src = [
    '// static NOT: u8 = 0;',
    'static BLINK: StaticCell<',
    '    BlinkFuture,',
    '> = StaticCell::new();',
    '/* static X: u8 = 1; */',
    'const S: &str = "static Y: u8 = 2;";',
    'pub(crate) static mut COUNT: core::cell::Cell<u32> = Cell::new(0);',
  ].join('\n');
  assert.deepEqual(staticDeclarations(src), [
    { name: 'BLINK', type: 'StaticCell< BlinkFuture, >', line: 2 },
    { name: 'COUNT', type: 'core::cell::Cell<u32>', line: 7 },
  ]);
  assert.equal(outerConstructor('static_cell::StaticCell<F>'), 'StaticCell');
  assert.equal(outerConstructor('BlinkFuture'), undefined);
});

test('impl Trait aliases: free and associated, generic ones too; not in comments', () => {
  assert.deepEqual(
    implTraitAliases(
      "type BlinkFuture = impl Future<Output = u32>;\ntype Plain = u32;\n// type Gone = impl Future;\nimpl T for () {\n    type Fut = impl core::future::Future + 'static;\n}\ntype G<T> = impl Sized;\n",
    ),
    ['BlinkFuture', 'Fut', 'G'],
  );
});

const analyze = (profile: 'dev' | 'release') => analyzeFixture(CRATE, tmp, profile);

describe('static futures and nightly task pools', () => {
  for (const profile of ['dev', 'release'] as const) {
    test(`${profile}: StaticCell<F> is a static future, the nightly POOL a task pool, equal to nm -S and -Zprint-type-sizes`, (t) => {
      if (!need(t, 'a nightly toolchain', has.nightly())) return;
      if (!need(t, 'rustfilt', has.rustfilt())) return;
      const report = analyze(profile);
      const binary = resolve(report.root, report.build.artifact!);
      // The fixture is real: blink sums its 384-byte frame of 2s, each beacon its 96-byte log of its id.
      const run = spawnSync(binary, [], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `blink ${384 * 2}, beacons ${96 * 1 + 96 * 2}\n`);

      const nm = nmData(binary);
      const { typeSizes } = compileFixture({
        crateDir: CRATE,
        toolchain: 'nightly',
        opt: profile === 'release',
        mir: false,
      });
      const size = (name: string) => typeHeaders(typeSizes).find((h) => h.name === name)?.bytes;

      const blinkFuture = '{async fn body of blink()}';
      assert.deepEqual(
        report.staticFutures!.map((s) => [s.name, s.symbol, s.type, s.future, s.item, s.file, s.line]),
        [
          [
            'BLINK',
            'static_futures::BLINK',
            `StaticCell<${blinkFuture}>`,
            blinkFuture,
            'blink',
            'src/main.rs',
            70,
          ],
        ],
      );
      const blink = report.staticFutures![0]!;
      assert.equal(blink.bytes, nm.get('static_futures::BLINK'), 'bytes = nm -S');
      assert.equal(blink.bytes, size(blink.type), 'bytes = the printed StaticCell<F>');
      assert.equal(blink.futureBytes, size(blinkFuture));
      // No other static of the crate is taken for a future: the rest are atomics, the executor, the pool.
      const crateStatics = [...nm.keys()].filter((n) => /^static_futures::[A-Za-z_:]+$/.test(n)).sort();
      assert.deepEqual(
        crateStatics,
        [
          'static_futures::BLINK',
          'static_futures::EXECUTOR',
          'static_futures::TOTAL',
          'static_futures::beacon::POOL',
          'static_futures::executor::VTABLE',
          'static_futures::noop_waker::VTABLE',
        ].filter((n) => nm.has(n)),
      );

      // The nightly task form: the pool's type names the future; no pool_size attribute is written.
      assert.deepEqual(
        report.tasks!.map((x) => [x.name, x.symbol, x.poolSize, x.poolSizeSource]),
        [['beacon', 'static_futures::beacon::POOL', 2, 'derived']],
      );
      const beacon = report.tasks![0]!;
      const beaconFuture = '{async fn body of __beacon_task::__beacon_task_inner_function()}';
      const storage = `executor::TaskStorage<${beaconFuture}>`;
      assert.equal(beacon.bytes, nm.get(beacon.symbol), 'pool bytes = nm -S');
      assert.equal(beacon.bytes, size(`executor::TaskPool<${beaconFuture}, 2>`));
      assert.equal(beacon.futureBytes, size(beaconFuture));
      assert.equal(beacon.slotBytes, size(storage));
      assert.equal(beacon.headerBytes, fieldBytes(typeSizes, storage, 'raw'));

      const text = renderAnalyzeTable(report, report.items, colors('never'));
      assert.match(text, /Static futures: 388 B in 1 other static holding a future/);
      assert.ok(
        text.split('\n').some((l) => l.includes('static_futures::BLINK') && l.includes(blink.type)),
        text,
      );
      assert.match(
        renderMarkdown(report),
        /\*\*Static futures\*\*: 388 B in 1 other static holding a future/,
      );
    });
  }

  test('the HTML report shows the static futures in Chromium', async (t) => {
    if (!need(t, 'a nightly toolchain', has.nightly())) return;
    if (!need(t, 'chromium', has.chromium())) return;
    const report = analyze('release');
    const file = join(tmp, 'static-futures.html');
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
      const section = (await r.page.locator('#static-futures').textContent()) ?? '';
      assert.match(section, /Static futures: 388 B in 1 other static holding a future/);
      assert.ok(section.includes('StaticCell<{async fn body of blink()}>'), section);
      assert.ok((await r.page.locator('#tasks').textContent())?.includes('beacon'));
      assert.deepEqual(r.problems, []);
      await r.close();
    } finally {
      await browser.close();
    }
  });
});
