// A crate's module tree as rustc builds it (the Rust reference, "Modules > The path attribute"): `#[path]`
// relative to the declaring file's directory, or for one inside inline modules to that directory plus the
// inline modules (plus the file's own name for a non-mod-rs file); files named by `#[path]` are mod-rs.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { scanDocument } from '../../src/lsp/document.ts';
import { modDeclarations } from '../../src/readers/rust-source/mod-declarations.ts';
import { crateSources, modulePathIn } from '../../src/scan/crate-sources.ts';
import { scan } from '../../src/scan/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-module-map-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes the files of a crate (paths relative to it) and returns its directory. */
function crate(name: string, files: Record<string, string>, manifest = ''): string {
  const dir = join(tmp, name);
  const all = {
    'Cargo.toml': `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${manifest}`,
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** Module path of each file of the crate, by crate-relative path; unreached files by their place. */
async function modulePaths(dir: string, files: string[]): Promise<Record<string, string>> {
  const sources = await crateSources(dir);
  return Object.fromEntries(files.map((f) => [f, modulePathIn(sources, join(dir, f), f)]));
}

test('declarations: name, #[path], cfg_attr paths and inline modules; not in comments or strings', () => {
  const text = [
    '/// docs',
    '#[cfg(unix)]',
    '#[path = "unix.rs"]',
    'pub(crate) mod imp;',
    '// mod commented;',
    'const S: &str = "mod quoted;";',
    "const C: char = '}';",
    '#[cfg_attr(unix, path = "sys/unix.rs")] #[cfg_attr(windows, path = "sys/windows.rs")] mod sys;',
    'mod outer { fn f() { if x { } } #[path = "dir"] pub mod inner { mod leaf; } }',
    'cfg_if! { if #[cfg(unix)] { #[path = "a.rs"] mod in_macro; } }',
  ].join('\n');
  assert.deepEqual(modDeclarations(text), [
    { name: 'imp', path: 'unix.rs', cfgPaths: [], inline: [] },
    { name: 'sys', cfgPaths: ['sys/unix.rs', 'sys/windows.rs'], inline: [] },
    { name: 'leaf', cfgPaths: [], inline: [{ name: 'outer' }, { name: 'inner', path: 'dir' }] },
    { name: 'in_macro', path: 'a.rs', cfgPaths: [], inline: [] },
  ]);
});

test('declarations of a generated file are read in linear time', { timeout: 10_000 }, () => {
  // Each `]` before a `mod` once sent a search for its `[` back through the whole file.
  assert.equal(modDeclarations(']mod a;'.repeat(100_000)).length, 100_000);
  assert.equal(modDeclarations(`${'#[path = "x"]'.repeat(50_000)}mod a;`)[0]?.path, 'x');
});

test('#[path] at the crate root, in mod-rs and non-mod-rs files, in inline modules', async () => {
  const dir = crate('paths', {
    'src/lib.rs': [
      'mod a;',
      'mod m;',
      'mod inline { #[path = "other.rs"] mod inner; }',
      '#[path = "platform/linux_impl.rs"] mod sys;',
      '#[path = "thread_files"] mod threads { mod worker; }',
    ].join('\n'),
    // A non-mod-rs file: its own `#[path]` is relative to its directory, one in its inline modules to
    // a/ plus the inline module's name.
    'src/a.rs': 'mod b;\n#[path = "foo.rs"] mod c;\nmod inl { #[path = "other.rs"] mod inner; mod plain; }\n',
    'src/a/b.rs': '',
    'src/foo.rs': '',
    'src/a/inl/other.rs': '',
    'src/a/inl/plain.rs': '',
    // A mod-rs file: relative to its directory, plus the inline module's name.
    'src/m/mod.rs': 'mod inl { #[path = "other.rs"] mod inner; }\n#[path = "foo.rs"] mod c;\n',
    'src/m/inl/other.rs': '',
    'src/m/foo.rs': '',
    'src/inline/other.rs': '',
    // A `#[path]` file is mod-rs: its `mod helpers;` is its sibling.
    'src/platform/linux_impl.rs': 'mod helpers;\n',
    'src/platform/helpers.rs': '',
    'src/thread_files/worker.rs': '',
    'src/orphan.rs': '',
  });
  assert.deepEqual(
    await modulePaths(dir, [
      'src/lib.rs',
      'src/a/b.rs',
      'src/foo.rs',
      'src/a/inl/other.rs',
      'src/a/inl/plain.rs',
      'src/m/mod.rs',
      'src/m/inl/other.rs',
      'src/m/foo.rs',
      'src/inline/other.rs',
      'src/platform/linux_impl.rs',
      'src/platform/helpers.rs',
      'src/thread_files/worker.rs',
      'src/orphan.rs',
    ]),
    {
      'src/lib.rs': '',
      'src/a/b.rs': 'a::b',
      'src/foo.rs': 'a::c',
      'src/a/inl/other.rs': 'a::inl::inner',
      'src/a/inl/plain.rs': 'a::inl::plain',
      'src/m/mod.rs': 'm',
      'src/m/inl/other.rs': 'm::inl::inner',
      'src/m/foo.rs': 'm::c',
      'src/inline/other.rs': 'inline::inner',
      'src/platform/linux_impl.rs': 'sys',
      'src/platform/helpers.rs': 'sys::helpers',
      'src/thread_files/worker.rs': 'threads::worker',
      'src/orphan.rs': 'orphan', // reached by no `mod`: where it lies
    },
  );
});

test('cfg arms: two declarations of one module name two files; one file under two names keeps its own', async () => {
  const dir = crate('arms', {
    'src/lib.rs': [
      '#[cfg(unix)] #[path = "unix.rs"] mod imp;',
      '#[cfg(windows)] #[path = "windows.rs"] mod imp;',
      '#[cfg_attr(unix, path = "sys/unix.rs")]',
      '#[cfg_attr(windows, path = "sys/windows.rs")]',
      'mod sys;',
      'cfg_if::cfg_if! {',
      '    if #[cfg(unix)] { mod use_file; } else { #[path = "use_file.rs"] mod fallback; }',
      '}',
    ].join('\n'),
    'src/unix.rs': '',
    'src/windows.rs': '',
    'src/sys/unix.rs': '',
    'src/sys/windows.rs': '',
    'src/use_file.rs': '',
  });
  assert.deepEqual(
    await modulePaths(dir, [
      'src/unix.rs',
      'src/windows.rs',
      'src/sys/unix.rs',
      'src/sys/windows.rs',
      'src/use_file.rs',
    ]),
    {
      'src/unix.rs': 'imp',
      'src/windows.rs': 'imp',
      'src/sys/unix.rs': 'sys',
      'src/sys/windows.rs': 'sys',
      'src/use_file.rs': 'use_file',
    },
  );
});

test('a #[path] cycle ends, a missing file is skipped, a manifest [lib] path is a root', async () => {
  const dir = crate(
    'odd',
    {
      'lib.rs': '#[path = "loop_a.rs"] mod cyc;\nmod missing;\n#[path = "nowhere.rs"] mod gone;\nmod util;\n',
      'loop_a.rs': '#[path = "loop_b.rs"] mod b;\n',
      'loop_b.rs': '#[path = "loop_a.rs"] mod a;\n',
      'util.rs': '',
    },
    '[lib]\npath = "lib.rs"\n',
  );
  const sources = await crateSources(dir);
  assert.deepEqual([...sources.modulePaths].map(([f, p]) => [f.slice(dir.length + 1), p]).sort(), [
    ['lib.rs', ''],
    ['loop_a.rs', 'cyc'],
    ['loop_b.rs', 'cyc::b'],
    ['util.rs', 'util'],
  ]);
});

test('a test target in a directory: its modules are beside its main.rs, and a bin may declare another', async () => {
  const dir = crate('targets', {
    'tests/suite/main.rs': 'mod util;\n',
    'tests/suite/util.rs': '',
    'tests/common/mod.rs': '',
    'src/bin/tool.rs': 'mod shared;\nmod args;\n',
    'src/bin/shared.rs': '',
    'src/bin/args/mod.rs': '',
  });
  assert.deepEqual(
    await modulePaths(dir, [
      'tests/suite/util.rs',
      'tests/common/mod.rs',
      'src/bin/shared.rs',
      'src/bin/args/mod.rs',
    ]),
    {
      'tests/suite/util.rs': 'util', // its place alone says suite::util
      'tests/common/mod.rs': 'common', // declared by no test here: its place
      'src/bin/shared.rs': '', // a bin target of its own too: its place agrees with one of the two
      'src/bin/args/mod.rs': 'args', // its place alone says a bin target's directory
    },
  );
});

test("scan names a #[path] module's items by rustc's path, and keys its cache by it", async () => {
  const dir = crate('scanned', {
    'src/lib.rs': '#[path = "platform/linux_impl.rs"] mod sys;\n',
    'src/platform/linux_impl.rs': 'pub async fn read() -> u8 { 1 }\n',
  });
  const cacheDir = join(tmp, 'cache');
  const names = async () => (await scan(dir, { cacheDir })).items.map((i) => i.name);
  assert.deepEqual(await names(), ['sys::read']);
  // The declaring file changes, the module file does not: the cached result under the old path is not used.
  writeFileSync(join(dir, 'src/lib.rs'), '#[path = "platform/linux_impl.rs"] mod os;\n');
  assert.deepEqual(await names(), ['os::read']);
  // The editor's view of the open file agrees.
  const file = join(dir, 'src/platform/linux_impl.rs');
  const doc = await scanDocument(file, readFileSync(file, 'utf8'), dir, undefined, await crateSources(dir));
  assert.deepEqual(
    doc.items.map((i) => i.name),
    ['os::read'],
  );
});
