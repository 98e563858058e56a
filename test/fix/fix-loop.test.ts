// The fix loop's bookkeeping: the round bound leaves what it could not reach reported, and files that
// tree-sitter could only partly parse get no fixes — counted and named, never silently dropped.
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
  // Round 2 would have fixed the wrappers the hoisted matches left behind.
  assert.deepEqual(plan.remaining.map((f) => `${f.rule} ${f.item}`).sort(), [
    'single-await-wrapper Svc::choose',
    'single-await-wrapper crlf::crlf_pick',
    'single-await-wrapper pair',
    'single-await-wrapper pick',
  ]);
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
    'mod ok;\npub async fn triple(x: u32) -> u32 {\n    x * 3\n}\nfn broken( { let x = ; }\n',
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
    'mod other;\nasync fn add(x: u32) -> u32 {\n    x + 1\n}\npub async fn twice(x: u32) -> u32 {\n    add(add(x).await).await\n}\n';
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
