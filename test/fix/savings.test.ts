// `savings` on the example crate: its numbers must be what two separate `analyze` runs — of the crate as it
// is and of a copy fixed with `fix --write` — give, item by item; and the crate itself is not written.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/analyze/index.ts';
import { measureSavings } from '../../src/fix/measure-savings.ts';
import { planFixes, writePlan } from '../../src/fix/plan.ts';
import { compareReports, SAVINGS_METRICS } from '../../src/fix/savings.ts';
import { colors } from '../../src/report/colors.ts';
import { renderSavingsHuman } from '../../src/report/savings-human.ts';
import { scan } from '../../src/scan/index.ts';
import { scanNoCache, snapshot, TempDirs } from './support.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/firmware-demo/', import.meta.url));
const temp = new TempDirs();
after(() => temp.removeAll());

function copyExample(): string {
  const dir = join(temp.make(), 'firmware-demo');
  cpSync(EXAMPLE, dir, { recursive: true, filter: (s) => !/[/\\]target$/.test(s) });
  return dir;
}

const quiet = { log: () => {}, progress: false };

test('savings on the example crate matches separate analyze runs of both versions', async () => {
  const crate = copyExample();
  const untouched = snapshot(crate);
  const run = await measureSavings({ build: { manifestPath: crate, ...quiet }, scan: scanNoCache });
  // What `fix --write` applies: the machine-applicable fixes; `drain_log` (it clears the log) and the trait
  // impl's `transfer` (it reads `out.len()`) are left out.
  assert.deepEqual(run.fixes.map((f) => `${f.rule} ${f.item} ${f.applicability}`).sort(), [
    'no-await sensor::Thermometer::address machine-applicable',
    'single-await-wrapper sensor::Thermometer::sample machine-applicable',
  ]);
  assert.ok(
    run.savings.warnings.some((w) =>
      /^2 maybe-incorrect fixes were not applied, as `fix --write` would not apply them \(bus::<LoopbackBus as Bus>::transfer, radio::Radio::drain_log\).*the method call `out\.len\(\)`/.test(
        w,
      ),
    ),
    run.savings.warnings.join('\n'),
  );
  // No dependencies in its Cargo.lock: both builds ran side by side, each in its own target dir (the
  // one-target-dir path is what cli.test.ts's savings run takes: its fixture copy has no Cargo.lock).
  assert.equal(run.parallel, true);
  // The user's sources are only read (the build adds target/ and nothing else).
  const now = snapshot(crate);
  for (const [file, bytes] of untouched) assert.equal(now.get(file)?.equals(bytes), true, file);

  const fixedCopy = copyExample();
  const plan = await planFixes({ path: fixedCopy, scan: scanNoCache });
  await writePlan(plan, { allowDirty: true, allowNoVcs: true, verify: false });
  const before = await analyze({ manifestPath: copyExample(), ...quiet });
  const afterReport = await analyze({ manifestPath: fixedCopy, ...quiet });
  const separate = compareReports(before, afterReport, plan.applied);

  const rows = (s: typeof separate) =>
    s.items.map((i) => [i.name, i.status, ...SAVINGS_METRICS.map((m) => i[m].delta)]).sort();
  assert.deepEqual(rows(run.savings), rows(separate));
  assert.deepEqual(run.savings.totals, separate.totals);
  assert.deepEqual(
    run.savings.fixes.map((f) => `${f.rule} ${f.item}`),
    plan.applied.map((f) => `${f.rule} ${f.item}`),
  );
  // A second run reuses the target dir of the first; the fixed build must not pass for the unfixed one.
  const again = await measureSavings({ build: { manifestPath: crate, ...quiet }, scan: scanNoCache });
  assert.deepEqual(rows(again.savings), rows(run.savings));
  // And `analyze` of the crate afterwards still sees the crate as it is.
  const analyzedAfter = await analyze({ manifestPath: crate, ...quiet });
  assert.deepEqual(
    analyzedAfter.items.map((i) => [i.name, i.futureBytes, i.states]).sort(),
    before.items.map((i) => [i.name, i.futureBytes, i.states]).sort(),
  );
  // Items the fixes rewrote into plain code are removed coroutines; they still return a (ready) future,
  // so their future size after is not 0 but not measured: replaced.
  const removed = run.savings.items.filter((i) => i.status === 'removed');
  assert.ok(removed.length > 0);
  for (const i of removed) {
    assert.equal(i.removal, 'replaced');
    assert.equal(i.futureBytes.head, null);
  }
});

test('a fix in a file the measured build does not compile is named as unmeasured, not silently counted', async () => {
  const crate = copyExample();
  // An integration test is a crate of its own, which `savings` (like `cargo build`) does not compile.
  mkdirSync(join(crate, 'tests'));
  writeFileSync(
    join(crate, 'tests', 'smoke.rs'),
    'async fn ping() -> u8 {\n    1\n}\n\n#[test]\nfn smoke() {\n    let _ = ping();\n}\n',
  );
  // Findings in test code are left out unless asked for (as `cargo clippy --tests`): asked for here.
  const withTests = (path: string) => scan(path, { cache: false, threads: 0, tests: true });
  const run = await measureSavings({ build: { manifestPath: crate, ...quiet }, scan: withTests });
  assert.deepEqual(
    run.savings.unmeasured.map((f) => [f.file, f.item]),
    [['tests/smoke.rs', 'ping']],
  );
  assert.ok(run.savings.fixes.length > run.savings.unmeasured.length, 'the src/ fixes are measured');
  assert.ok(
    run.savings.warnings.some((w) =>
      w.startsWith(
        `1 of ${run.savings.fixes.length} fixes are in files the measured build does not compile (tests/smoke.rs)`,
      ),
    ),
    run.savings.warnings.join('\n'),
  );
  const text = renderSavingsHuman(run.savings, colors('never'));
  assert.match(text, /tests\/smoke\.rs:1\).*\(not compiled by the measured build\)/);
  assert.equal(text.match(/not compiled by the measured build/g)?.length, 1);
});
