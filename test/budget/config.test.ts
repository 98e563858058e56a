import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseConfigText } from '../../src/budget/config.ts';
import { loadBudgetConfig, loadCheckConfig } from '../../src/budget/config-load.ts';
import { itemMatches } from '../../src/budget/item-glob.ts';
import { UserError } from '../../src/errors.ts';

const CARGO = `[package]
name = "app"
version = "0.1.0"

[package.metadata.asyncbloat]
max-future-bytes = "2 KiB"
max-growth = "10%"
max-async-text-share = "5%"

[package.metadata.asyncbloat.rules]
no-await = "off"
duplicate-arm-awaits = "error"

[[package.metadata.asyncbloat.budget]]
item = "radio::*"
max-future-bytes = 512

[[package.metadata.asyncbloat.budget]]
item = "net::**"
max-growth = "64 B"

[[package.metadata.asyncbloat.ignore]]
item = "legacy::**"
reason = "rewritten in #42"
rules = ["future-size"]
`;

test('reads every key from [package.metadata.asyncbloat]', () => {
  const c = parseConfigText(CARGO, '/x/Cargo.toml');
  assert.deepEqual(c, {
    sources: ['/x/Cargo.toml [package.metadata.asyncbloat]'],
    maxFutureBytes: 2048,
    maxGrowth: { percent: 10 },
    maxAsyncTextShare: 5,
    rules: { 'no-await': 'off', 'duplicate-arm-awaits': 'error' },
    budgets: [
      { item: 'radio::*', maxFutureBytes: 512 },
      { item: 'net::**', maxGrowth: { bytes: 64 } },
    ],
    ignores: [{ item: 'legacy::**', reason: 'rewritten in #42', rules: ['future-size'] }],
  });
});

test('a Cargo.toml without asyncbloat metadata has no budgets', () => {
  const c = parseConfigText('[package]\nname = "a"\n', 'Cargo.toml');
  assert.deepEqual(c.sources, []);
  assert.equal(c.maxFutureBytes, undefined);
});

/** Parses and returns the UserError, failing the test if there is none. */
function configError(text: string, file = '/x/asyncbloat.toml'): UserError {
  try {
    parseConfigText(text, file);
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    return e;
  }
  assert.fail('expected a configuration error');
}

test('bad type names the key, the file and the line', () => {
  const e = configError('# budgets\nmax-future-bytes = true\n');
  assert.equal(
    e.message,
    'invalid configuration \'max-future-bytes\' in /x/asyncbloat.toml:2: expected a byte size (an integer, or a string like "512 B" or "4 KiB"), found boolean true',
  );
});

test('unknown key gets a did-you-mean, inside Cargo.toml tables too', () => {
  const e = configError(CARGO.replace('max-async-text-share', 'max-async-txt-share'), '/x/Cargo.toml');
  assert.equal(
    e.message,
    "invalid configuration 'package.metadata.asyncbloat.max-async-txt-share' in /x/Cargo.toml:8: unknown key",
  );
  assert.equal(e.help, "did you mean 'max-async-text-share'?");
  const snake = configError('[[budget]]\nitem = "a"\nmax_future_bytes = 1\n');
  assert.match(snake.message, /'budget\[0\]\.max_future_bytes' in \/x\/asyncbloat\.toml:3: unknown key/);
  assert.equal(snake.help, "did you mean 'max-future-bytes'?");
  const far = configError('colour = "red"\n');
  assert.match(far.help ?? '', /^known keys: max-future-bytes, /);
});

test('ignore without a reason is an error pointing at the entry', () => {
  const e = configError(CARGO.replace('reason = "rewritten in #42"\n', ''), '/x/Cargo.toml');
  assert.equal(
    e.message,
    "invalid configuration 'package.metadata.asyncbloat.ignore[0].reason' in /x/Cargo.toml:23: ignore of 'legacy::**' has no reason",
  );
  assert.match(
    configError('[[ignore]]\nitem = "a"\nreason = "  "\n').message,
    /ignore\[0\]\.reason.*:3: expected a non-empty string/,
  );
});

test('bad growth string', () => {
  const e = configError('max-growth = "ten percent"\n');
  assert.equal(
    e.message,
    'invalid configuration \'max-growth\' in /x/asyncbloat.toml:1: expected a growth like "64 B" or "10%", found "ten percent"',
  );
  assert.match(
    configError('max-async-text-share = 0.05\n').message,
    /expected a percentage like "5%", found number 0.05/,
  );
  assert.match(
    configError('[[budget]]\nitem = "a"\nmax-growth = "5 GB/s"\n').message,
    /budget\[0\]\.max-growth.*:3:/,
  );
});

test('rule levels and names are validated', () => {
  const level = configError('[rules]\nno-await = "warning"\n');
  assert.match(
    level.message,
    /'rules\.no-await' in \/x\/asyncbloat\.toml:2: expected "off", "warn" or "error", found "warning"/,
  );
  assert.equal(level.help, 'did you mean "warn"?');
  const name = configError('[rules]\nno-awiat = "off"\n');
  assert.match(name.message, /'rules\.no-awiat'.*:2: unknown rule/);
  assert.equal(name.help, "did you mean 'no-await'?");
  const inIgnore = configError('[[ignore]]\nitem = "a"\nreason = "r"\nrules = ["future-sise"]\n');
  assert.match(inIgnore.message, /unknown rule or budget 'future-sise'/);
  assert.equal(inIgnore.help, "did you mean 'future-size'?");
});

test('budget entries need an item and a limit; arrays of tables are required', () => {
  assert.match(
    configError('[[budget]]\nmax-future-bytes = 5\n').message,
    /budget\[0\]\.item.*expected a non-empty string/,
  );
  assert.match(
    configError('[[budget]]\nitem = "a"\n').message,
    /needs max-future-bytes, max-growth, max-poll-stack-bytes or max-task-bytes/,
  );
  assert.match(
    configError('budget = { item = "a" }\n').message,
    /'budget' .*:1: expected an array of tables/,
  );
});

test('TOML syntax errors carry line and column', () => {
  const e = configError('max-growth = "10%\n');
  assert.match(e.message, /^cannot parse \/x\/asyncbloat\.toml:1:\d+: /);
});

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'asyncbloat-config-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('package settings layer over the workspace root settings', () => {
  const root = tree({
    'Cargo.toml': `[workspace]\nmembers = ["crates/radio"]\n[workspace.metadata.asyncbloat]\nmax-future-bytes = 4096\nmax-growth = "64 B"\n[workspace.metadata.asyncbloat.rules]\nno-await = "error"\nsingle-await-wrapper = "off"\n`,
    'crates/radio/Cargo.toml': `[package]\nname = "radio"\n[package.metadata.asyncbloat]\nmax-future-bytes = 1024\n[package.metadata.asyncbloat.rules]\nno-await = "warn"\n`,
  });
  const c = loadBudgetConfig(join(root, 'crates/radio'));
  assert.equal(c.maxFutureBytes, 1024);
  assert.deepEqual(c.maxGrowth, { bytes: 64 });
  assert.deepEqual(c.rules, { 'no-await': 'warning', 'single-await-wrapper': 'off' });
  assert.equal(c.sources.length, 2);
});

test('asyncbloat.toml is used alone; together with Cargo.toml metadata it is an error', () => {
  const alone = tree({
    'Cargo.toml': '[package]\nname = "a"\n',
    'asyncbloat.toml': 'max-future-bytes = 64\n',
  });
  assert.equal(loadBudgetConfig(alone).maxFutureBytes, 64);
  const both = tree({
    'Cargo.toml': '[package]\nname = "a"\n[package.metadata.asyncbloat]\nmax-future-bytes = 1\n',
    'asyncbloat.toml': 'max-future-bytes = 64\n',
  });
  assert.throws(() => loadBudgetConfig(both), /asyncbloat is configured twice/);
  // --config overrides discovery.
  assert.equal(loadBudgetConfig(both, join(both, 'asyncbloat.toml')).maxFutureBytes, 64);
  assert.throws(
    () => loadBudgetConfig(both, join(both, 'missing.toml')),
    /cannot read configuration '.*missing\.toml': ENOENT/,
  );
});

test('item globs: * stays inside a segment, ** crosses segments, crate prefix optional', () => {
  const it = (name: string) => ({ crate: 'app', name });
  assert.ok(itemMatches('radio::*', it('radio::send')));
  assert.ok(!itemMatches('radio::*', it('radio::Radio::send')));
  assert.ok(itemMatches('radio::**', it('radio::Radio::send')));
  assert.ok(itemMatches('app::radio::*', it('radio::send')));
  assert.ok(!itemMatches('radio::*', it('radiox::send')));
  assert.ok(itemMatches('run::{async block}', it('run::{async block}')));
  assert.ok(itemMatches('*::s?nd', it('radio::send')));
});

/** A cargo workspace `cargo metadata` can read: members `driver` and `app` (package `my-app`, lib `my_app`). */
function workspaceTree(extra: Record<string, string> = {}): string {
  const pkg = (name: string, more = '') =>
    `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${more}`;
  return tree({
    'Cargo.toml': `[workspace]\nresolver = "2"\nmembers = ["driver", "app"]\n[workspace.metadata.asyncbloat]\nmax-future-bytes = "2 KiB"\n[workspace.metadata.asyncbloat.rules]\nduplicate-arm-awaits = "error"\n`,
    'driver/Cargo.toml': pkg('driver'),
    'driver/src/lib.rs': '',
    'app/Cargo.toml': pkg(
      'my-app',
      '[[bin]]\nname = "app-cli"\npath = "src/main.rs"\n[[package.metadata.asyncbloat.budget]]\nitem = "main_loop"\nmax-future-bytes = 128\n',
    ),
    'app/src/lib.rs': '',
    'app/src/main.rs': 'fn main() {}\n',
    ...extra,
  });
}

test('check at a workspace root reads every member’s configuration, as `check MEMBER_DIR` would', async () => {
  const root = workspaceTree();
  const { config, members, notes } = await loadCheckConfig(root);
  assert.deepEqual(notes, []);
  assert.equal(config.maxFutureBytes, 2048);
  assert.deepEqual(config.budgets, []);
  const byName = new Map(members.map((m) => [m.package, m]));
  assert.deepEqual(members.map((m) => [m.package, m.dir, m.crates, m.own]).sort(), [
    ['driver', 'driver', ['driver'], false],
    ['my-app', 'app', ['my_app', 'app_cli'], true],
  ]);
  const app = byName.get('my-app')!.config;
  assert.deepEqual(app.budgets, [{ item: 'main_loop', maxFutureBytes: 128 }]);
  assert.equal(app.maxFutureBytes, 2048);
  assert.deepEqual(app.rules, { 'duplicate-arm-awaits': 'error' });
  assert.deepEqual(app, loadBudgetConfig(join(root, 'app')));
  assert.deepEqual(byName.get('driver')!.config.budgets, []);
  // From a member's directory the members are the same; that member's entry is PATH's configuration.
  const fromApp = await loadCheckConfig(join(root, 'app'));
  assert.deepEqual(fromApp.config.budgets, app.budgets);
  assert.equal(fromApp.members.length, 2);
  // --config is the only configuration.
  const only = await loadCheckConfig(root, { configFile: join(root, 'Cargo.toml') });
  assert.deepEqual(only.members, []);
});

test('an asyncbloat.toml in the workspace root is the workspace’s configuration, inherited by members', async () => {
  const root = workspaceTree({
    'Cargo.toml': '[workspace]\nresolver = "2"\nmembers = ["driver", "app"]\n',
    'asyncbloat.toml': 'max-future-bytes = 512\n[rules]\nno-await = "error"\n',
  });
  const { config, members } = await loadCheckConfig(root);
  assert.equal(config.maxFutureBytes, 512);
  const app = members.find((m) => m.package === 'my-app')!.config;
  assert.equal(app.maxFutureBytes, 512);
  assert.deepEqual(app.rules, { 'no-await': 'error' });
  assert.deepEqual(app.budgets, [{ item: 'main_loop', maxFutureBytes: 128 }]);
});

test('a member with an invalid configuration fails check at the root too', async () => {
  const root = workspaceTree({
    'driver/Cargo.toml':
      '[package]\nname = "driver"\nversion = "0.1.0"\n[package.metadata.asyncbloat]\nmax-future-byte = 1\n',
  });
  await assert.rejects(
    loadCheckConfig(root),
    /invalid configuration 'package\.metadata\.asyncbloat\.max-future-byte' in .*driver\/Cargo\.toml:5: unknown key/,
  );
});

test('when cargo cannot list the members, a note says their configuration was not read', async () => {
  const root = workspaceTree({
    'Cargo.toml':
      '[workspace]\nmembers = ["driver", "app", "missing"]\n[workspace.metadata.asyncbloat]\nmax-future-bytes = 64\n',
  });
  const { config, members, notes } = await loadCheckConfig(root);
  assert.equal(config.maxFutureBytes, 64);
  assert.deepEqual(members, []);
  assert.equal(notes.length, 1);
  assert.match(
    notes[0]!,
    /^the workspace members could not be listed \(cannot read the cargo workspace .*\); only the configuration of .* was applied, members' own \[package\.metadata\.asyncbloat\] and asyncbloat\.toml were not read$/s,
  );
});
