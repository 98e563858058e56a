// Trait impls' async fns, rewritten (#12): since Rust 1.75 an impl may write a trait's `async fn` as a `fn`
// returning `impl Future`, in edition 2021 too, and the returned future keeps every lifetime in scope.
// test/fixtures/fix/trait-impl (edition 2021) drives its methods through the trait; its own test passes
// before and after `fix --allow-eager`, and the rewritten methods are no coroutines any more.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { planFixes, writePlan } from '../../src/fix/plan.ts';
import { cargo, scanNoCache, TempDirs } from './support.ts';

const temp = new TempDirs();
after(() => temp.removeAll());

test("a trait impl's wrappers and ready values become fns returning impl Future; the crate's test still passes", async () => {
  const crate = temp.fixture('trait-impl');
  const target = temp.make('ab-target-');
  const before = await cargo(crate, ['test', '--quiet'], target);
  assert.equal(before.ok, true, before.output);

  const plan = await planFixes({ path: crate, scan: scanNoCache, allowEager: true });
  assert.deepEqual(plan.applied.map((a) => `${a.rule} ${a.item} ${a.applicability}`).sort(), [
    'no-await <Mem as Store>::version machine-applicable',
    'single-await-wrapper <Mem as Store>::describe maybe-incorrect',
    'single-await-wrapper <Mem as Store>::get maybe-incorrect',
    'single-await-wrapper <Mem as Store>::put maybe-incorrect',
  ]);
  await writePlan(plan, {
    allowDirty: true,
    allowNoVcs: true,
    verify: true,
    check: async () => ({ ok: true, output: '', stdout: '' }),
  });
  const text = readFileSync(join(crate, 'src/lib.rs'), 'utf8');
  // No `+ '_` in edition 2021: the impl's `impl Future` implements the trait's, which captures `&self`.
  assert.match(
    text,
    /fn describe\(&self, prefix: &str\) -> impl ::core::future::Future<Output = String> \{\n {8}self\.shelf\.label\(prefix\)\n/,
  );
  assert.match(
    text,
    /fn version\(&self\) -> impl ::core::future::Future<Output = u32> \{\n {8}::core::future::ready\(3\)\n/,
  );
  const afterFix = await cargo(crate, ['test', '--quiet'], target);
  assert.equal(afterFix.ok, true, afterFix.output);
  assert.match(afterFix.output, /test result: ok\. 1 passed/);
  // Nothing is left for the rules in the impl.
  const rescan = await scanNoCache(crate);
  assert.deepEqual(
    rescan.findings.filter((f) => f.item?.startsWith('<Mem as Store>')).map((f) => `${f.rule} ${f.item}`),
    [],
  );
});
