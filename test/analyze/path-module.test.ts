// A module whose file is named by `#[path]` (#20): rustc names its items by the declaration (`sys::read`),
// and so must the scan, or `analyze` cannot join a generic async fn's layouts, which it finds by path
// alone (`{async fn body of sys::read<u64>()}`). Checked against rustc's own -Zprint-type-sizes text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeBuild } from '../../src/analyze/index.ts';
import { buildForAnalysis } from '../../src/cargo/build.ts';
import { checkAgainstCompiler, itemNamed, rustcTypeSizes } from '../support/analysis-checks.ts';
import { has, need } from '../support/require.ts';

const fixture = new URL('../fixtures/analyze/path-module/', import.meta.url).pathname;

for (const toolchain of ['stable', 'nightly'] as const) {
  describe(`#[path] modules on ${toolchain}`, () => {
    test("items are named by rustc's module path and joined to their layouts", async (t) => {
      if (toolchain === 'nightly' && !need(t, 'a nightly toolchain', has.nightly())) return;
      const build = await buildForAnalysis({
        manifestPath: fixture,
        nightly: toolchain === 'nightly',
        progress: false,
      });
      const report = await analyzeBuild(build);
      checkAgainstCompiler(report, build);
      const sizes = rustcTypeSizes(build);

      // At the crate root: src/platform/linux_impl.rs is `sys`.
      const read = itemNamed(report, 'sys::read');
      assert.equal(read.file, 'src/platform/linux_impl.rs');
      assert.deepEqual(read.layouts.map((l) => l.typeName).sort(), [
        '{async fn body of sys::read<[u8; 40]>()}',
        '{async fn body of sys::read<u64>()}',
      ]);
      assert.equal(read.futureBytes, sizes.get('{async fn body of sys::read<[u8; 40]>()}'));
      assert.ok(read.futureBytes! >= 40 * 2, `${read.futureBytes}: holds the buffer (twice: rust#62958)`);

      // In an inline module of a non-mod-rs file: src/net/inner/wire.rs is `net::inner::wire`.
      const decode = itemNamed(report, 'net::inner::wire::decode');
      assert.equal(decode.file, 'src/net/inner/wire.rs');
      assert.equal(decode.futureBytes, sizes.get('{async fn body of net::inner::wire::decode<16>()}'));

      // cfg arms: the host builds src/platform/unix.rs as `imp`; the other arm's file has the same path.
      const open = report.items.filter((i) => i.name === 'imp::open');
      const unix = open.find((i) => i.file === 'src/platform/unix.rs');
      assert.equal(unix?.futureBytes, sizes.get('{async fn body of imp::open()}'));

      // The scan's finding on an item there names it by the same path.
      const idle = itemNamed(report, 'sys::idle');
      assert.deepEqual(
        idle.findings.map((f) => [f.rule, f.item]),
        [['no-await', 'sys::idle']],
      );
      assert.equal(idle.futureBytes, sizes.get('{async fn body of sys::idle()}'));
    });
  });
}
