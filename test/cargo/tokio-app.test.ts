// The real-world fixture: a tokio + futures app built offline from Debian's crate sources. One build
// without --deps (only the app is returned and captured) and one with --deps (every crate is returned,
// tokio's own MIR and type sizes included).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type BuildArtifacts, buildForAnalysis } from '../../src/cargo/build.ts';
import { mirText } from '../support/analysis-checks.ts';
import { has, need } from '../support/require.ts';

const fixture = fileURLToPath(new URL('../fixtures/crates/tokio-app/', import.meta.url));
const targetRoot = mkdtempSync(join(tmpdir(), 'asyncbloat-tokio-'));
after(() => rmSync(targetRoot, { recursive: true, force: true }));
const present = has.debianRegistry();

let appOnly: BuildArtifacts;
let withDeps: BuildArtifacts;
before(async () => {
  if (!present) return;
  const options = {
    manifestPath: fixture,
    offline: true,
    env: { ...process.env, CARGO_TARGET_DIR: targetRoot },
    progress: false,
    log: () => {},
  };
  appOnly = await buildForAnalysis(options);
  withDeps = await buildForAnalysis({ ...options, deps: true });
});

const read = (p: string) => readFileSync(p, 'utf8');

describe('tokio app (Debian registry, offline)', () => {
  test('without --deps only the app is returned, with its MIR and type sizes', (t) => {
    if (!need(t, 'Debian crate sources (librust-tokio-dev librust-futures-dev)', present)) return;
    assert.deepEqual(
      appOnly.crates.map((c) => `${c.crateName}:${c.kind.join('+')}:${c.member}`),
      ['tokio_app:bin:true'],
    );
    const app = appOnly.crates[0]!;
    const mir = mirText(app.mir);
    for (const poll of ['producer', 'consume_until', 'echo_once', 'serve_one', 'main']) {
      assert.ok(mir.includes(`fn ${poll}::{closure#0}(_1: `), `${poll} poll body in MIR`);
    }
    const sizes = read(app.typeSizes[0]!);
    assert.ok(sizes.includes('type: `{async fn body of echo_once()}`'));
    assert.ok(sizes.includes('type: `{async fn body of producer()}`'));
    // tokio's generic futures are laid out in the crate that instantiates them.
    assert.ok(sizes.includes('type: `{async fn body of tokio::sync::mpsc::Sender<u32>::send()}`'));
    assert.deepEqual(appOnly.warnings, []);
    const exe = appOnly.artifacts.find((a) => a.kind === 'bin');
    assert.ok(exe);
    execFileSync(exe.path, { stdio: 'ignore', timeout: 20_000 });
  });

  test('with --deps, tokio and futures are returned too, each with its MIR and type sizes', (t) => {
    if (!need(t, 'Debian crate sources (librust-tokio-dev librust-futures-dev)', present)) return;
    const byName = new Map(withDeps.crates.map((c) => [c.crateName, c]));
    for (const name of ['tokio', 'futures_util', 'futures', 'mio', 'tokio_macros', 'tokio_app']) {
      assert.ok(byName.has(name), `${name} in ${[...byName.keys()].join(', ')}`);
    }
    for (const c of withDeps.crates) {
      // One dump file per body: a crate of macros or re-exports only (pin_utils) has none.
      if (['tokio', 'futures_util', 'mio', 'tokio_app'].includes(c.crateName))
        assert.ok(c.mir.length > 0, `${c.crateName} MIR`);
      assert.equal(c.typeSizes.length, 1, `${c.crateName} type sizes`);
    }
    assert.deepEqual(withDeps.warnings, []);
    // --deps captures every crate, so it builds in its own dir; the default build captured only the app.
    assert.notEqual(withDeps.targetDir, appOnly.targetDir);
    assert.ok(
      withDeps.crates.every((c) => c.kind[0] !== 'custom-build'),
      'build scripts are not returned',
    );
    const tokio = byName.get('tokio')!;
    assert.equal(tokio.member, false);
    assert.equal(tokio.packageName, 'tokio');
    assert.match(tokio.manifestDir, /^\/usr\/share\/cargo\/registry\/tokio-1\./);
    const tokioMir = mirText(tokio.mir);
    // Registry crates print absolute spans in their coroutine constructors.
    assert.match(tokioMir, /\{coroutine@\/usr\/share\/cargo\/registry\/tokio-[^}]*\}/);
    assert.match(read(tokio.typeSizes[0]!), /^print-type-size type: `\{async fn body of /m);
    assert.equal(byName.get('tokio_macros')!.kind[0], 'proc-macro');
    assert.ok(withDeps.artifacts.some((a) => a.kind === 'proc-macro' && a.crateName === 'tokio_macros'));
    assert.ok(withDeps.artifacts.some((a) => a.kind === 'rlib' && a.crateName === 'tokio'));
  });
});
