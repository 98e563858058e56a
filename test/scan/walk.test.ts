// Walking a tree: .gitignore and target/ are honoured, symlink loops end, files that are not UTF-8 text are
// reported and skipped (a dangling link, a FIFO too), a file with syntax errors keeps what tree-sitter
// recovered; and the cache.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scan } from '../../src/scan/index.ts';

let root: string;
let cacheDir: string;

function write(rel: string, content: string | Uint8Array): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), content);
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'asyncbloat-walk-'));
  cacheDir = mkdtempSync(join(tmpdir(), 'asyncbloat-cache-'));
  write('Cargo.toml', '[package]\nname = "walk"\nversion = "0.1.0"\nedition = "2021"\n');
  write('.gitignore', 'src/generated/\n');
  write('src/lib.rs', 'pub mod net;\npub async fn a() -> u8 { b().await }\nasync fn b() -> u8 { 1 }\n');
  write('src/net/mod.rs', 'pub async fn connect() {}\n');
  write('src/plain.rs', 'pub fn sync_only() {}\n');
  write('src/generated/out.rs', 'pub async fn ignored() {}\n');
  write('target/debug/build/x.rs', 'pub async fn in_target() {}\n');
  write(
    'src/latin1.rs',
    Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\nasync fn x() {}\n')]),
  );
  write('src/blob.rs', Buffer.from([0x61, 0x73, 0x79, 0x6e, 0x63, 0, 1, 2, 3]));
  write('src/broken.rs', 'async fn before() {}\nfn broken( { let x = ; }\nasync fn after() { g().await }\n');
  symlinkSync('..', join(root, 'src', 'loop'));
  symlinkSync('gone.rs', join(root, 'src', 'dangling.rs'));
  // A FIFO named like a source file: reading it would block for ever.
  execFileSync('mkfifo', [join(root, 'src', 'pipe.rs')]);
  write('shared/extra.rs', 'pub async fn shared() -> u8 { 1 }\n');
  symlinkSync('../shared', join(root, 'src', 'linked'));
});

after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('walking a crate', () => {
  it('honours .gitignore, skips target/, survives a symlink loop', async () => {
    const r = await scan(root, { cache: false });
    const files = [...new Set(r.items.map((i) => i.file))];
    // `shared/` is walked once, under its first path (`shared/` sorts before `src/linked`, which links to it);
    // outside src/ its file has no module path of its own.
    assert.deepEqual(files, ['shared/extra.rs', 'src/broken.rs', 'src/lib.rs', 'src/net/mod.rs']);
    assert.deepEqual(
      r.items.map((i) => i.name),
      ['shared', 'broken::before', 'broken::after', 'a', 'b', 'net::connect'],
    );
    // extra.rs, lib.rs, net/mod.rs, plain.rs, broken.rs were read; plain.rs has no `async` and was not parsed
    assert.equal(r.stats.filesScanned, 5);
    assert.equal(r.stats.filesWithoutAsync, 1);
  });

  it('reports non-UTF-8 and binary files once each and keeps going', async () => {
    const r = await scan(root, { cache: false });
    assert.deepEqual(r.stats.skipped, [
      { file: 'src/blob.rs', reason: 'binary file (contains NUL bytes)' },
      { file: 'src/dangling.rs', reason: 'a dangling symbolic link (ENOENT)' },
      { file: 'src/latin1.rs', reason: 'not valid UTF-8' },
      { file: 'src/loop', reason: 'a symbolic link loop (links to a directory above it)' },
      { file: 'src/pipe.rs', reason: 'not a regular file (a FIFO, socket or device)' },
    ]);
  });

  it('keeps partial results of a file with syntax errors and lists it', async () => {
    const r = await scan(root, { cache: false });
    assert.deepEqual(r.stats.filesWithParseErrors, ['src/broken.rs']);
    assert.equal(r.items.find((i) => i.name === 'broken::after')?.awaits, 1);
  });

  it('scans a single file, relative to its directory', async () => {
    const r = await scan(join(root, 'src', 'net', 'mod.rs'), { cache: false });
    assert.equal(r.root, join(root, 'src', 'net'));
    assert.deepEqual(
      r.items.map((i) => [i.file, i.name]),
      [['mod.rs', 'net::connect']],
    );
  });

  it('rejects unknown rules and missing paths with a UserError', async () => {
    await assert.rejects(scan(root, { rules: ['nope'] }), {
      name: 'UserError',
      message: "unknown rule 'nope'",
    });
    await assert.rejects(scan(join(root, 'missing')), { name: 'UserError', message: /does not exist/ });
  });

  it('selects rules with rules/disable', async () => {
    const all = await scan(root, { cache: false });
    const only = await scan(root, { cache: false, rules: ['no-await'] });
    const none = await scan(root, { cache: false, disable: ['no-await'] });
    assert.ok(all.findings.some((f) => f.rule === 'no-await'));
    assert.ok(only.findings.every((f) => f.rule === 'no-await'));
    assert.ok(none.findings.every((f) => f.rule !== 'no-await'));
    assert.equal(only.findings.length + none.findings.length, all.findings.length);
    const denied = await scan(root, { cache: false, levels: { 'no-await': 'error' } });
    assert.ok(denied.findings.some((f) => f.rule === 'no-await'));
    for (const f of denied.findings) assert.equal(f.severity, f.rule === 'no-await' ? 'error' : 'warning');
    const off = await scan(root, { cache: false, levels: { 'no-await': 'off' } });
    assert.deepEqual(off.findings, none.findings);
  });
});

describe('scan cache', () => {
  it('serves unchanged files from the cache and re-analyses changed ones', async () => {
    const cold = await scan(root, { cacheDir });
    const cacheFile = readdirSync(cacheDir).find((f) => !f.endsWith('.facts.json'));
    assert.ok(cacheFile, 'cache written');
    // Tamper with the cached entries: a warm scan that reads them must show the tampered names.
    const path = join(cacheDir, cacheFile);
    const entries = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { items: { name: string }[] }>;
    for (const e of Object.values(entries)) for (const i of e.items) i.name = `cached::${i.name}`;
    writeFileSync(path, JSON.stringify(entries));
    const warm = await scan(root, { cacheDir });
    assert.deepEqual(
      warm.items.map((i) => i.name),
      cold.items.map((i) => `cached::${i.name}`),
    );
    write('src/net/mod.rs', 'pub async fn connect2() {}\n');
    const changed = await scan(root, { cacheDir });
    assert.ok(changed.items.some((i) => i.name === 'net::connect2'));
    assert.ok(
      changed.items.some((i) => i.name === 'cached::a'),
      'unchanged file still from cache',
    );
    write('src/net/mod.rs', 'pub async fn connect() {}\n');
  });
});

describe('file facts: a warm scan knows unchanged files by their stat, as git does', () => {
  it('does not read a file whose size, mtime and inode are unchanged; reads it again once they change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-facts-'));
    const cache = mkdtempSync(join(tmpdir(), 'asyncbloat-facts-cache-'));
    try {
      const file = join(dir, 'src/lib.rs');
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "facts"\nversion = "0.1.0"\n');
      writeFileSync(file, 'pub async fn first() {}\n');
      // Older than the racy window, as files are between edits.
      const old = new Date(Date.now() - 3_600_000);
      utimesSync(file, old, old);
      const names = async () => (await scan(dir, { cacheDir: cache, threads: 0 })).items.map((i) => i.name);
      assert.deepEqual(await names(), ['first']);
      // Same size, same mtime: taken as unchanged without being read (the trade-off git's index makes).
      writeFileSync(file, 'pub async fn other() {}\n');
      utimesSync(file, old, old);
      assert.deepEqual(await names(), ['first']);
      // A new mtime: read again.
      const now = new Date();
      utimesSync(file, now, now);
      assert.deepEqual(await names(), ['other']);
      // Modified within the racy window before the facts were saved: read again on the next scan even
      // though its stat is the one saved (its mtime could not tell two edits in that window apart).
      writeFileSync(file, 'pub async fn third() {}\n');
      utimesSync(file, now, now);
      assert.deepEqual(await names(), ['third']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
