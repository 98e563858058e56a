// The fix loop's bookkeeping: the round bound leaves what it could not reach reported, files that
// tree-sitter could only partly parse get no fixes — counted and named, never silently dropped — and only
// machine-applicable fixes are applied, in every round, unless maybe-incorrect ones are allowed.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { planFixes } from '../../src/fix/plan.ts';
import { scanNoCache, TempDirs } from './support.ts';

const temp = new TempDirs();
after(() => temp.removeAll());

test('the round bound stops the loop and reports the fixable findings left', async () => {
  const plan = await planFixes({
    path: temp.fixture('rewrites'),
    scan: scanNoCache,
    maxRounds: 1,
    verify: false,
  });
  assert.equal(plan.rounds, 1);
  // Round 2 would have fixed the wrappers the hoisted matches left behind; crlf_pick's is maybe-incorrect
  // (it forwards to a fn of another file), so it is not waiting for a round but withheld.
  assert.deepEqual(plan.remaining.map((f) => `${f.rule} ${f.item}`).sort(), [
    'single-await-wrapper Svc::choose',
    'single-await-wrapper pair',
    'single-await-wrapper pick',
  ]);
  assert.deepEqual(plan.withheld.map((f) => `${f.rule} ${f.item}`).sort(), [
    'no-await bump',
    'single-await-wrapper crlf::crlf_pick',
    'single-await-wrapper wrap_counted',
  ]);
});

test('only machine-applicable fixes are applied, also those a round exposes; allowEager applies all', async () => {
  const crate = temp.make();
  mkdirSync(join(crate, 'src'));
  writeFileSync(
    join(crate, 'Cargo.toml'),
    '[package]\nname = "eager"\nversion = "0.1.0"\nedition = "2021"\n',
  );
  writeFileSync(
    join(crate, 'src/lib.rs'),
    [
      'mod other;',
      'pub async fn answer() -> u32 {',
      '    42',
      '}',
      'pub async fn locked(m: &std::sync::Mutex<u8>) -> u8 {',
      '    *m.lock().unwrap()',
      '}',
      '// Hoisted in round 1; the wrapper left forwards to a fn of another file: maybe-incorrect in round 2.',
      'pub async fn ext(k: bool) -> u32 {',
      '    match k {',
      '        true => other::send(1).await,',
      '        false => other::send(2).await,',
      '    }',
      '}',
      '// Hoisted in round 1; the wrapper left forwards to an async fn of this file: machine-applicable.',
      'pub async fn own(k: bool) -> u32 {',
      '    match k {',
      '        true => step(1).await,',
      '        false => step(2).await,',
      '    }',
      '}',
      'async fn step(x: u32) -> u32 {',
      '    other::send(x).await + 1',
      '}',
      '// An effect, but every caller awaits the call at once: dropping `async` there moves nothing.',
      'async fn log_it() {',
      '    println!("logged");',
      '}',
      'pub async fn calls_log() -> u32 {',
      '    log_it().await;',
      '    other::send(0).await',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(join(crate, 'src/other.rs'), 'pub async fn send(x: u32) -> u32 {\n    x | 2\n}\n');
  const fixes = (p: { applied: { rule: string; item?: string; round: number; applicability: string }[] }) =>
    p.applied.map((a) => `${a.round} ${a.rule} ${a.item} ${a.applicability}`).sort();

  const write = await planFixes({ path: crate, scan: scanNoCache, verify: false });
  assert.deepEqual(fixes(write), [
    '1 duplicate-arm-awaits ext machine-applicable',
    '1 duplicate-arm-awaits own machine-applicable',
    '1 no-await answer machine-applicable',
    '1 no-await log_it machine-applicable',
    '1 no-await other::send machine-applicable',
    '2 single-await-wrapper own machine-applicable',
  ]);
  assert.match(
    write.applied.find((a) => a.item === 'log_it')!.description,
    /^drop `async` from `log_it` and the `.await` at its 1 call site$/,
  );
  assert.deepEqual(
    write.withheld.map((w) => `${w.rule} ${w.item} ${w.file}:${w.line}`),
    ['no-await locked src/lib.rs:5', 'single-await-wrapper ext src/lib.rs:9'],
  );
  assert.match(write.withheld[1]!.caveat ?? '', /the call `other::send\(match k/);
  assert.deepEqual(write.remaining, []);
  const written = write.changes.find((c) => c.file === 'src/lib.rs')!.after.toString('utf8');
  assert.match(written, /pub async fn locked\(m: &std::sync::Mutex<u8>\) -> u8 \{/);
  assert.match(written, /pub async fn ext\(k: bool\) -> u32 \{\n {4}other::send\(match k/);

  const eager = await planFixes({ path: crate, scan: scanNoCache, verify: false, allowEager: true });
  assert.deepEqual(fixes(eager), [
    '1 duplicate-arm-awaits ext machine-applicable',
    '1 duplicate-arm-awaits own machine-applicable',
    '1 no-await answer machine-applicable',
    '1 no-await locked maybe-incorrect',
    '1 no-await log_it machine-applicable',
    '1 no-await other::send machine-applicable',
    '2 single-await-wrapper ext maybe-incorrect',
    '2 single-await-wrapper own machine-applicable',
  ]);
  assert.deepEqual(eager.withheld, []);
});

test('fixes in a file with syntax errors are skipped and counted', async () => {
  const crate = temp.make();
  mkdirSync(join(crate, 'src'));
  writeFileSync(
    join(crate, 'Cargo.toml'),
    '[package]\nname = "broken"\nversion = "0.1.0"\nedition = "2021"\n',
  );
  writeFileSync(
    join(crate, 'src/lib.rs'),
    'mod ok;\npub async fn triple(x: u32) -> u32 {\n    x | 3\n}\nfn broken( { let x = ; }\n',
  );
  writeFileSync(join(crate, 'src/ok.rs'), 'pub async fn one() -> u8 {\n    1\n}\n');
  const plan = await planFixes({ path: crate, scan: scanNoCache, verify: false });
  assert.deepEqual(
    plan.changes.map((c) => c.file),
    ['src/ok.rs'],
  );
  assert.deepEqual(plan.skippedInBrokenFiles, { count: 1, example: 'src/lib.rs:2 [no-await]' });
});

test('callers are not updated when a file naming the fn could only partly be parsed', async () => {
  const crate = temp.make();
  mkdirSync(join(crate, 'src'));
  writeFileSync(
    join(crate, 'Cargo.toml'),
    '[package]\nname = "unsure"\nversion = "0.1.0"\nedition = "2021"\n',
  );
  const lib =
    'mod other;\nasync fn add(x: u32) -> u32 {\n    x | 1\n}\npub async fn twice(x: u32) -> u32 {\n    add(add(x).await).await\n}\n';
  writeFileSync(join(crate, 'src/lib.rs'), lib);
  writeFileSync(join(crate, 'src/other.rs'), 'pub fn f() -> u32 { let g = super::add; 0 }\n');
  const clean = await planFixes({ path: crate, scan: scanNoCache, rules: ['no-await'], verify: false });
  // `super::add` used as a value: the name is ambiguous, so `add` keeps a future-returning signature.
  assert.match(clean.applied[0]!.description, /ready future/);
  writeFileSync(join(crate, 'src/other.rs'), 'pub fn f() -> u32 { 0 }\n');
  const updated = await planFixes({ path: crate, scan: scanNoCache, rules: ['no-await'], verify: false });
  assert.match(
    updated.applied[0]!.description,
    /drop `async` from `add` and the `.await` at its 2 call sites/,
  );
  writeFileSync(join(crate, 'src/other.rs'), 'pub fn f( { add(1) }\n');
  const unsure = await planFixes({ path: crate, scan: scanNoCache, rules: ['no-await'], verify: false });
  assert.match(unsure.applied[0]!.description, /ready future/);
});
