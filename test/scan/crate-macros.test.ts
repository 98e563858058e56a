// An awaiting `macro_rules!` defined in one file of a crate and called in another (#12): the call is an
// await of the async fn it is in, as it is when macro and call share a file. `no-await` must not fire on a
// fn whose only await is such a call; a macro that does not await, or one of another crate, counts nothing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { scanDocument } from '../../src/lsp/document.ts';
import { awaitingMacroNames } from '../../src/readers/rust-source/macro-rules.ts';
import { crateSources } from '../../src/scan/crate-sources.ts';
import { scan } from '../../src/scan/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-crate-macros-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

test('awaitingMacroNames: bodies with .await, in any delimiter; not in comments or strings', () => {
  const text = [
    'macro_rules! exchange { ($c:expr) => {{ $c.send().await? }}; }',
    'macro_rules! plain ( ($x:expr) => { $x + 1 } );',
    '// macro_rules! commented { () => { x.await } }',
    'macro_rules! quoted [ () => { "not .await" } ];',
    'macro_rules! run { ($f:expr) => { loop { $f\n    .await; } } }',
  ].join('\n');
  assert.deepEqual(awaitingMacroNames(text), ['exchange', 'run']);
});

test('a call of an awaiting macro defined in another file of the crate is an await', async () => {
  const crate = join(tmp, 'radio');
  write(join(crate, 'Cargo.toml'), '[package]\nname = "radio"\nversion = "0.1.0"\nedition = "2021"\n');
  write(join(crate, 'src', 'lib.rs'), '#[macro_use]\nmod macros;\nmod net;\n');
  write(
    join(crate, 'src', 'macros.rs'),
    'macro_rules! exchange {\n    ($link:expr, $msg:expr) => {{\n        $link.send($msg).await;\n        $link.recv().await\n    }};\n}\nmacro_rules! log_it {\n    ($x:expr) => { println!("{}", $x) };\n}\n',
  );
  write(
    join(crate, 'src', 'net.rs'),
    'pub async fn ping(link: &mut Link) -> u8 {\n    exchange!(link, 1)\n}\n\npub async fn quiet(link: &mut Link) -> u8 {\n    log_it!(1);\n    link.id\n}\n',
  );
  // Another crate beside it defines a macro of the same name that awaits: it does not count here.
  const other = join(tmp, 'other');
  write(join(other, 'Cargo.toml'), '[package]\nname = "other"\nversion = "0.1.0"\nedition = "2021"\n');
  write(join(other, 'src', 'lib.rs'), 'macro_rules! log_it { ($x:expr) => { $x.await } }\n');

  for (const threads of [0, 2]) {
    const report = await scan(tmp, { cache: false, threads });
    const item = (name: string) => report.items.find((i) => i.name === name && i.file.startsWith('radio/'))!;
    assert.equal(item('net::ping').awaits, 1, 'exchange! awaits');
    assert.equal(item('net::ping').awaitSites[0]!.inMacro, true);
    assert.equal(
      item('net::quiet').awaits,
      0,
      "log_it! of this crate does not await (the other crate's does)",
    );
    const noAwait = report.findings.filter((f) => f.rule === 'no-await').map((f) => f.item);
    assert.deepEqual(noAwait, ['net::quiet']);
  }

  // The language server's view of the open file agrees: it reads the crate's macros the same way.
  const net = join(crate, 'src', 'net.rs');
  const doc = await scanDocument(net, readFileSync(net, 'utf8'), crate, undefined, await crateSources(crate));
  assert.deepEqual(
    doc.findings.filter((f) => f.rule === 'no-await').map((f) => f.item),
    ['net::quiet'],
  );
});

test('findings in test code are counted, not shown, unless asked for (as cargo clippy --tests)', async () => {
  const crate = join(tmp, 'tested');
  write(join(crate, 'Cargo.toml'), '[package]\nname = "tested"\nversion = "0.1.0"\nedition = "2021"\n');
  write(
    join(crate, 'src', 'lib.rs'),
    [
      'pub async fn real() -> u8 { 1 }',
      '#[cfg(test)]',
      'mod tests {',
      '    async fn helper() -> u8 { 2 }',
      '}',
      '#[tokio::test]',
      'async fn a_test() { let f = async { 3 }; }',
      '/// #[test] in a comment is no attribute',
      'pub async fn documented() -> u8 { 4 }',
    ].join('\n'),
  );
  write(join(crate, 'tests', 'it.rs'), 'async fn in_integration_test() -> u8 { 5 }\n');
  const shown = await scan(crate, { cache: false });
  assert.deepEqual(shown.findings.map((f) => f.item).sort(), ['documented', 'real']);
  assert.equal(shown.stats.findingsInTests, 3);
  // Items are listed either way; test code is marked.
  assert.equal(shown.items.find((i) => i.name === 'tests::helper')?.testOnly, true);
  assert.equal(shown.items.find((i) => i.name === 'real')?.testOnly, undefined);
  const all = await scan(crate, { cache: false, tests: true });
  assert.equal(all.findings.length, 5);
  assert.equal(all.stats.findingsInTests, 0);
});
