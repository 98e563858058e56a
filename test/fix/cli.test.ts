// The `fix` and `savings` commands end to end, as a user runs them (through tsx, from source).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { snapshot, TempDirs } from './support.ts';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const temp = new TempDirs();
after(() => temp.removeAll());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(temp.make('ab-target-'), 't') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('fix prints diffs by default, marks what --write leaves out, and leaves the files alone', () => {
  const crate = temp.fixture('rewrites');
  const before = snapshot(crate);
  const r = cli('fix', crate, '--rule', 'no-await');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# no-await: drop `async` from `add_one`/m);
  assert.match(r.stdout, /^-pub async fn triple\(x: u32\) -> u32 \{$/m);
  // The maybe-incorrect fix is shown too, marked in its header.
  assert.match(r.stdout, /^-pub async fn bump\(c: &Cell<u32>\) -> u32 \{$/m);
  assert.match(
    r.stdout,
    /^# no-await: return a ready future instead of a coroutine \(src\/lib\.rs:\d+\); not applied by --write: `bump` would run its body when called, not at its first poll: .*; pass --allow-eager to apply$/m,
  );
  assert.equal(r.stdout.match(/not applied by --write/g)?.length, 1);
  assert.doesNotMatch(r.stdout, /^# single-await-wrapper/m);
  assert.match(
    r.stderr,
    /4 fixes in 1 file, `cargo check` passed on a copy; run with --write to apply \(1 that may change behaviour only with --allow-eager\)/,
  );
  // As cargo fix names what it leaves: the finding no rewrite can handle, with why.
  assert.match(
    r.stderr,
    /^note: 1 finding has no automatic fix:\n {2}src\/lib\.rs:\d+ \[no-await\] the body uses `\?`$/m,
  );
  const allowed = cli('fix', crate, '--rule', 'no-await', '--allow-eager');
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stdout, /; maybe incorrect: `bump` would run its body when called/);
  assert.match(allowed.stderr, /run with --write to apply \(1 of them may change behaviour\)/);
  const now = snapshot(crate);
  for (const [f, b] of before) assert.equal(now.get(f)?.equals(b), true, f);
});

test('fix --write refuses without VCS, and writes and checks with --allow-no-vcs', () => {
  const crate = temp.fixture('rewrites');
  const refused = cli('fix', crate, '--write');
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^error: no VCS found for this package/m);
  const ok = cli('fix', crate, '--write', '--allow-no-vcs');
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /fixed: 16 fixes in 2 files, `cargo check` passed/);
  // The maybe-incorrect fixes are named, each with what it would change.
  assert.match(
    ok.stderr,
    /^note: 3 fixes not applied because they may change behaviour \(code would run at the call instead of the first poll\); `asyncbloat fix` shows them, --allow-eager applies them:$/m,
  );
  assert.match(
    ok.stderr,
    /^ {2}no-await: return a ready future instead of a coroutine \(src\/lib\.rs:\d+\): `bump` would run its body when called/m,
  );
  assert.match(
    ok.stderr,
    /^ {2}single-await-wrapper: .* \(src\/crlf\.rs:4\): `crlf_pick` would run the call to `send` when called/m,
  );
  const lib = readFileSync(join(crate, 'src/lib.rs'), 'utf8');
  assert.match(lib, /pub fn triple\(x: u32\) -> impl ::core::future::Future/);
  assert.match(lib, /pub async fn bump\(c: &Cell<u32>\) -> u32 \{/);
  // A second --write has nothing it may apply; the dry run still shows the rest.
  const again = cli('fix', crate, '--write', '--allow-no-vcs');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /^note: 3 fixes not applied/m);
  assert.match(again.stderr, /^nothing to fix without --allow-eager$/m);
  const shown = cli('fix', crate);
  assert.equal(shown.stdout.match(/^# .*not applied by --write/gm)?.length, 3);
  const eager = cli('fix', crate, '--write', '--allow-no-vcs', '--allow-eager');
  assert.equal(eager.code, 0, eager.stderr);
  assert.match(eager.stderr, /fixed: 3 fixes in 2 files, `cargo check` passed/);
  assert.doesNotMatch(eager.stderr, /not applied/);
  assert.match(readFileSync(join(crate, 'src/lib.rs'), 'utf8'), /pub fn bump\(c: &Cell<u32>\) -> impl/);
  const done = cli('fix', crate);
  assert.equal(done.code, 0);
  assert.equal(done.stdout, '');
  assert.match(done.stderr, /nothing to fix/);
});

test('bad input is a clear error: unknown rule, missing path, no crate', () => {
  const r = cli('fix', temp.fixture('rewrites'), '--rule', 'no-such-rule');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: unknown rule 'no-such-rule'/m);
  const missing = join(temp.make(), 'missing');
  const m = cli('fix', missing);
  assert.equal(m.code, 2);
  assert.match(m.stderr, /^error: path '.*missing' does not exist/m);
  const n = cli('fix', temp.make());
  assert.equal(n.code, 2);
  assert.match(n.stderr, /^error: could not find `Cargo.toml`/m);
});

test('savings --format json reports the fixes and per-item deltas, the maybe-incorrect ones left out', () => {
  const crate = temp.fixture('rewrites');
  const r = cli('savings', crate, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.schemaVersion, 1);
  // What `fix --write` applies: the machine-applicable fixes only.
  assert.equal(s.fixes.length, 16);
  assert.deepEqual(
    s.fixes.filter((f: { applicability: string }) => f.applicability !== 'machine-applicable'),
    [],
  );
  assert.ok(
    s.warnings.some((w: string) =>
      /^3 maybe-incorrect fixes were not applied, as `fix --write` would not apply them \(.*bump.*\); their savings are not in these numbers, --allow-eager measures them too/.test(
        w,
      ),
    ),
    s.warnings.join('\n'),
  );
  assert.equal(
    s.items.find((i: { name: string }) => i.name === 'bump'),
    undefined,
  );
  const triple = s.items.find((i: { name: string }) => i.name === 'triple');
  assert.equal(triple.status, 'removed');
  assert.equal(triple.removal, 'replaced');
  assert.equal(triple.futureBytes.head, null);
  assert.ok(triple.futureBytes.base > 0);
});

test('fix --write on a fresh repository without a .gitignore: its own build output is not the user’s change', () => {
  const crate = temp.fixture('rewrites');
  rmSync(join(crate, '.gitignore'), { force: true });
  const git = (...args: string[]) =>
    spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd: crate,
      encoding: 'utf8',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
  // No CARGO_TARGET_DIR: the checks build into the crate's own target/, which git sees as untracked.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CARGO_TARGET_DIR;
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'fix', crate, '--rule', 'no-await', ...args], {
      encoding: 'utf8',
      env,
    });
  const ok = run('--write');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stderr, /^fixed: \d+ fix/m);
  // A change of the user's is still refused, listed alone, before anything is built.
  writeFileSync(join(crate, 'src/lib.rs'), `${readFileSync(join(crate, 'src/lib.rs'), 'utf8')}\n// edited\n`);
  const refused = run('--write');
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /uncommitted changes[\s\S]*\* src\/lib\.rs \(dirty\)\n/);
  assert.doesNotMatch(refused.stderr, /target\//);
});
