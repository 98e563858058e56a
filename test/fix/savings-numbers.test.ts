// What `savings` claims about memory and code: a coroutine the fixes replaced by a future that is no coroutine
// (`ready(..)`, a forwarded call) is not reported as 0 bytes after; the memory figure is the root futures, not
// a sum in which nested futures count twice; a `.text` that grew is warned about. Unit tests on hand-built
// reports (their numbers are inputs, not claims about rustc), and one run on the example crate.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AppliedFix } from '../../src/fix/fix-loop.ts';
import { measureSavings } from '../../src/fix/measure-savings.ts';
import { compareReports } from '../../src/fix/savings.ts';
import { rootItems } from '../../src/measure/root-futures.ts';
import type { AnalyzedItem, AwaiteeChild, CodeSize } from '../../src/model/report.ts';
import { colors } from '../../src/report/colors.ts';
import { renderSavingsHuman } from '../../src/report/savings-human.ts';
import { item, report } from '../budget/reports.ts';
import { scanNoCache, TempDirs } from './support.ts';

const plain = colors('never');

function awaits(name: string, bytes: number): AwaiteeChild {
  return { typeName: `{async fn body of ${name}()}`, bytes, item: name, state: 'Suspend0' };
}

function code(bytes: number): CodeSize {
  return { codeBytes: bytes, parts: [{ symbol: 'poll', kind: 'poll', bytes, copies: 1 }], inlined: false };
}

function fix(name: string, line: number, description: string): AppliedFix {
  return {
    rule: 'no-await',
    file: 'src/lib.rs',
    line,
    item: name,
    description,
    applicability: 'machine-applicable',
    files: ['src/lib.rs'],
    round: 1,
  };
}

const READY = 'return a ready future instead of a coroutine';
const DROPPED = 'drop `async` from `flag` and the `.await` at its 1 call site';

/** `run` awaits `step`, which awaits `flag`: the shape of the users' report. */
function chain(flag: boolean, over: { run?: Partial<AnalyzedItem>; step?: Partial<AnalyzedItem> } = {}) {
  const items = [
    item('run', { line: 1, futureBytes: 32, children: [awaits('step', 24)], code: code(300), ...over.run }),
    item('step', {
      line: 10,
      futureBytes: 24,
      children: flag ? [awaits('flag', 15)] : [],
      code: code(200),
      ...over.step,
    }),
  ];
  if (flag) items.push(item('flag', { line: 20, futureBytes: 15, states: 3, mirLines: 30, code: code(90) }));
  return items;
}

test('a replaced coroutine still returns a future: its future after is not measured, not 0', () => {
  const s = compareReports(report(chain(true)), report(chain(false)), [fix('flag', 20, READY)]);
  const flag = s.items.find((i) => i.name === 'flag')!;
  assert.equal(flag.status, 'removed');
  assert.equal(flag.removal, 'replaced');
  assert.deepEqual(flag.futureBytes, { base: 15, head: null, delta: null });
  // Its coroutine's states, MIR and poll fn are gone all the same.
  assert.deepEqual(flag.states, { base: 3, head: 0, delta: -3 });
  assert.deepEqual(flag.codeBytes, { base: 90, head: 0, delta: -90 });
  // The item sums leave it out of both sides rather than count a fake 0.
  assert.deepEqual(s.totals.futureBytes, { base: 56, head: 56, delta: 0 });
  assert.deepEqual(s.crates[0]!.futureBytes, { base: 56, head: 56, delta: 0 });
  const text = renderSavingsHuman(s, plain);
  assert.match(text, /flag \(replaced\) +15 B → replaced /);
  assert.match(text, /\n\(replaced\): no coroutine of its own any more; it returns a ready future/);
  assert.doesNotMatch(text, /15 B → 0 B/);
  // The unchanged items are not listed: the item table is flag's row and the total.
  assert.equal(s.items.length, 1);
});

test('a removed coroutine no fix accounts for is not claimed to be 0 either', () => {
  const s = compareReports(report(chain(true)), report(chain(false)));
  assert.equal(s.items[0]!.removal, 'replaced');
  assert.equal(s.items[0]!.futureBytes.head, null);
});

test('a coroutine whose async was dropped with its callers’ .await leaves no future: 0 after', () => {
  const s = compareReports(report(chain(true)), report(chain(false)), [fix('flag', 20, DROPPED)]);
  const flag = s.items.find((i) => i.name === 'flag')!;
  assert.equal(flag.removal, 'async-dropped');
  assert.deepEqual(flag.futureBytes, { base: 15, head: 0, delta: -15 });
  assert.deepEqual(s.totals.futureBytes, { base: 71, head: 56, delta: -15 });
  const text = renderSavingsHuman(s, plain);
  assert.match(text, /flag \(async dropped\) +15 B → 0 B \(−15 B\)/);
  assert.match(text, /\n\(async dropped\): `async` and the `.await`s on it are gone; it returns no future\./);
  assert.doesNotMatch(text, /\(replaced\):/);
  // Items that are still coroutines have no removal.
  const unchanged = compareReports(report(chain(true)), report(chain(true)));
  assert.ok(unchanged.items.every((i) => i.removal === null));
});

test('the memory figure is the root futures: a nested future that shrank is counted in its awaiter', () => {
  // `step` shrinks by 9 B inside `run`, whose size stays 32 B: the sum over items falls, memory does not.
  const s = compareReports(report(chain(true)), report(chain(true, { step: { futureBytes: 15 } })));
  const k = s.crates[0]!;
  assert.deepEqual(k.futureBytes, { base: 71, head: 62, delta: -9 });
  assert.deepEqual(k.rootFutureBytes, { base: 32, head: 32, delta: 0 });
  assert.deepEqual(k.replacedRoots, []);
  const text = renderSavingsHuman({ ...s, fixes: [fix('step', 10, READY)] }, plain);
  assert.match(text, /^app: root futures 32 B \(unchanged\), /m);
  assert.doesNotMatch(text, /futures 71 B → 62 B/);
  assert.match(text, /total +71 B → 62 B \(−9 B\)\* /);
  assert.match(text, /^\* sum over items \(nested futures counted in their awaiters too\)/m);

  // When the root itself shrinks, that is the saving.
  const smaller = compareReports(report(chain(true)), report(chain(true, { run: { futureBytes: 24 } })));
  assert.deepEqual(smaller.crates[0]!.rootFutureBytes, { base: 32, head: 24, delta: -8 });
});

test('roots are the items no other analysed item awaits, in any crate', () => {
  const r = report([
    item('main_task', { crate: 'app', line: 1, futureBytes: 64, children: [awaits('read', 16)] }),
    item('read', { crate: 'driver', line: 2, futureBytes: 16 }),
    item('read', { crate: 'app', line: 3, futureBytes: 8 }),
    item('idle', { crate: 'app', line: 4, futureBytes: 4 }),
    item('unmeasured', { crate: 'app', line: 5, futureBytes: null }),
  ]);
  // `read` in the awaiter's own crate is the one awaited; the other crate's `read` is a root.
  const roots = [...rootItems(r)].map((i) => `${i.crate} ${i.name}`).sort();
  assert.deepEqual(roots, ['app idle', 'app main_task', 'driver read']);
});

test('a replaced root is left out of the root futures, and so is the future it forwards now', () => {
  const before = report([
    item('drain', { line: 1, futureBytes: 16 }),
    item('sample', { line: 2, futureBytes: 88, children: [awaits('read_raw', 72)] }),
    item('read_raw', { line: 3, futureBytes: 72 }),
    item('task', { line: 4, futureBytes: 40 }),
  ]);
  // `drain` returns a `Ready` now and `sample` returns `read_raw(..)`'s future, which no coroutine awaits.
  const afterReport = report([
    item('read_raw', { line: 3, futureBytes: 72 }),
    item('task', { line: 4, futureBytes: 40 }),
  ]);
  const s = compareReports(before, afterReport, [
    fix('drain', 1, READY),
    fix('sample', 2, "return `read_raw(..)`'s future instead of awaiting it in a second state machine"),
  ]);
  const k = s.crates[0]!;
  assert.deepEqual(k.replacedRoots, ['drain', 'sample']);
  assert.deepEqual(k.rootFutureBytes, { base: 40, head: 40, delta: 0 });
  const text = renderSavingsHuman(s, plain);
  assert.match(
    text,
    /^app: root futures 40 B \(unchanged\) \(not counting the replaced roots `drain`, `sample`: /m,
  );
});

test('a .text that grew is a warning: code outside the items is not attributed to them', () => {
  const crates = (text: number) => [{ name: 'app', asyncItems: 2, futureBytes: 56, textBytes: text }];
  const before = report(chain(true), { crates: crates(19057) });
  const grown = compareReports(before, report(chain(false), { crates: crates(20225) }), [
    fix('flag', 20, READY),
  ]);
  const k = grown.crates[0]!;
  assert.deepEqual(k.textBytes, { base: 19057, head: 20225, delta: 1168 });
  assert.deepEqual(k.itemCodeBytes, { base: 590, head: 500, delta: -90 });
  // Per-item code numbers stay what they are.
  assert.deepEqual(grown.items[0]!.codeBytes, { base: 90, head: 0, delta: -90 });
  const warning = grown.warnings.find((w) => w.includes('.text grew'));
  assert.equal(
    warning,
    "app: .text grew 19057 B → 20225 B (+1168 B) while its items' own code changed by −90 B: code the fixes bring in outside the items (e.g. `core::future::Ready::poll` and its panic path) is not attributed to them, so the per-item code savings overstate what the binary saves",
  );
  const text = renderSavingsHuman(grown, plain);
  assert.ok(text.split('\n').includes(`warning: ${warning}`), text);

  const shrunk = compareReports(before, report(chain(false), { crates: crates(18000) }), [
    fix('flag', 20, READY),
  ]);
  assert.ok(!shrunk.warnings.some((w) => w.includes('.text')));
});

const EXAMPLE = fileURLToPath(new URL('../../examples/firmware-demo/', import.meta.url));
const temp = new TempDirs();
after(() => temp.removeAll());

test('savings --allow-eager on the example crate: its ready and forwarding rewrites are replaced, not 0', async () => {
  const crate = join(temp.make(), 'firmware-demo');
  cpSync(EXAMPLE, crate, { recursive: true, filter: (s) => !/[/\\]target$/.test(s) });
  // With the maybe-incorrect fixes too (`drain_log` clears its log: its body would run at the call).
  const run = await measureSavings({
    build: { manifestPath: crate, log: () => {}, progress: false },
    scan: scanNoCache,
    allowEager: true,
  });
  assert.equal(run.fixes.find((f) => f.item === 'radio::Radio::drain_log')?.applicability, 'maybe-incorrect');
  const removed = run.savings.items.filter((i) => i.status === 'removed');
  assert.ok(removed.length > 0);
  // Every fix on the example keeps the signature (pub methods): no removed coroutine's future is 0.
  for (const i of removed) {
    assert.equal(i.removal, 'replaced', i.name);
    assert.equal(i.futureBytes.head, null, i.name);
    assert.ok(i.futureBytes.base! > 0, i.name);
  }
  // main.rs block_on's `handle`, `handle_hoisted` and `drain_log`; the fixes replace `drain_log`.
  const k = run.savings.crates.find((c) => c.name === 'firmware_demo')!;
  assert.deepEqual(k.replacedRoots, ['radio::Radio::drain_log']);
  const size = (name: string) => run.before.items.find((i) => i.name === name)!.futureBytes!;
  assert.equal(k.rootFutureBytes.base, size('dispatch::handle') + size('dispatch::handle_hoisted'));
  assert.match(renderSavingsHuman(run.savings, plain), / → replaced /);
});
