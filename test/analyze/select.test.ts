// `--explain NAME`: which item a name means, as a user types it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findItem, onlyLinked } from '../../src/analyze/select.ts';
import { UserError } from '../../src/errors.ts';
import { analysisReport } from '../report/sample-reports.ts';

const items = [
  { name: 'compute', crate: 'svc' },
  { name: 'store::Store::flag', crate: 'svc' },
  { name: '<Mem as Backend>::get', crate: 'svc' },
  { name: 'store::<Disk as Backend>::get', crate: 'svc' },
  { name: 'sync::mpsc::bounded::Sender::send', crate: 'tokio' },
  { name: 'process', crate: 'alpha_core' },
  { name: 'process', crate: 'beta' },
];
const named = (n: string) => findItem(items, n).name;

test('exact names, with or without the crate', () => {
  assert.equal(named('compute'), 'compute');
  assert.equal(named('svc::compute'), 'compute');
  assert.equal(named('tokio::sync::mpsc::bounded::Sender::send'), 'sync::mpsc::bounded::Sender::send');
});

test('a trait impl method by either side of `<Type as Trait>`', () => {
  assert.equal(named('Mem::get'), '<Mem as Backend>::get');
  assert.equal(named('store::Disk::get'), 'store::<Disk as Backend>::get');
  assert.throws(() => named('Backend::get'), /matches 2 async items/);
});

test('a unique partial name; an unknown one gets near names, or the way to list them', () => {
  assert.equal(named('Sender::send'), 'sync::mpsc::bounded::Sender::send');
  assert.throws(
    () => named('compte'),
    (e: unknown) => e instanceof UserError && e.help === "did you mean 'compute'?",
  );
  assert.throws(
    () => named('zzzzzzzz'),
    (e: unknown) => e instanceof UserError && /run `asyncbloat analyze` to list the items/.test(e.help ?? ''),
  );
});

test('one name in two crates is ambiguous, and the crate settles it', () => {
  assert.throws(
    () => named('process'),
    (e: unknown) =>
      e instanceof UserError &&
      /matches 2 async items/.test(e.message) &&
      /alpha_core::process, beta::process/.test(e.help ?? ''),
  );
  assert.equal(findItem(items, 'beta::process').crate, 'beta');
});

test('names as typed: trimmed, a package name with dashes, rustc’s fully qualified impl path', () => {
  assert.equal(findItem(items, 'alpha-core::process').crate, 'alpha_core');
  assert.equal(named(' compute '), 'compute');
  assert.equal(named('<svc::Mem as svc::Backend>::get'), '<Mem as Backend>::get');
});

test('--linked keeps the items with code in the artifact and counts the rest in a warning', () => {
  const report = analysisReport();
  report.build.artifact = 'target/asyncbloat/debug/app';
  const [a, b, c] = report.items;
  a!.code = { codeBytes: 120, parts: [], inlined: false };
  b!.code = { codeBytes: 0, parts: [], inlined: false }; // no symbol: never used, or all inlined
  delete c!.code;
  report.items = [a!, b!, c!];
  const linked = onlyLinked(report);
  assert.deepEqual(
    linked.items.map((i) => i.name),
    [a!.name],
  );
  assert.ok(
    linked.warnings.includes(
      '--linked: 2 items with no code in target/asyncbloat/debug/app hidden (never used by the binary, or all inlined)',
    ),
  );
  // Without an artifact nothing has code: hiding everything would say nothing, so all stay, with a word.
  delete report.build.artifact;
  const all = onlyLinked(report);
  assert.equal(all.items.length, 3);
  assert.match(all.warnings.at(-1)!, /no artifact/);
});
