// The compiler is the judge of what is an async body: for each fixture crate, the bodies scan finds must be
// exactly the coroutines in rustc's `--emit=mir`, matched by count and by where rustc says each one starts.
//
// How MIR names them (rustc 1.95 / 1.97): an async fn or block has one poll body, `path::{closure#N}`. An
// async closure has two: the by-ref body `..::{closure#N}::{closure#0}` and the by-move body
// `..::{closure#N}::{synthetic#0}`, which share one span. So: poll bodies without `{synthetic#}` = items, and
// `{synthetic#}` bodies = async closures. Every coroutine also appears once as a `{coroutine@FILE:L:C: ..}`
// aggregate, whose start is what AsyncItem.rustcStart records.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { scan } from '../../src/scan/index.ts';
import { has, need } from '../support/require.ts';

const POLL_BODY = /^fn ([^(]*)\(_1: ((std|core)::pin::)?Pin<&mut \{async (fn body of|block@|closure body@)/gm;
const COROUTINE = /\{coroutine@([^:\s]+):(\d+):(\d+):/g;

const CRATES = [
  { dir: 'test/fixtures/scan/constructs', root: 'src/lib.rs', type: 'lib' },
  { dir: 'test/fixtures/scan/workspace/sensor', root: 'src/lib.rs', type: 'lib' },
  { dir: 'test/fixtures/scan/workspace/app', root: 'src/main.rs', type: 'bin' },
  { dir: 'examples/firmware-demo', root: 'src/main.rs', type: 'bin' },
];

const out = mkdtempSync(join(tmpdir(), 'asyncbloat-mir-'));
after(() => rmSync(out, { recursive: true, force: true }));

/** rustc run from the crate directory, so spans read `src/x.rs:L:C` like the scan's crate-relative files. */
function emitMir(dir: string, rootFile: string, type: string, toolchain: 'stable' | 'nightly'): string {
  const file = join(out, `${dir.replace(/\W/g, '_')}-${toolchain}.mir`);
  const r = spawnSync(
    'rustc',
    [`+${toolchain}`, '--edition', '2021', '--crate-type', type, '--emit=mir', '-o', file, rootFile],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `rustc failed on ${dir}:\n${r.stderr}`);
  return readFileSync(file, 'utf8');
}

for (const toolchain of ['stable', 'nightly'] as const) {
  describe(`scan agrees with rustc ${toolchain} --emit=mir`, () => {
    for (const c of CRATES) {
      it(c.dir, async (t) => {
        if (toolchain === 'nightly' && !need(t, 'rustc nightly', has.nightly())) return;
        const mir = emitMir(c.dir, c.root, c.type, toolchain);
        const polls = [...mir.matchAll(POLL_BODY)].map((m) => m[1]!);
        const synthetic = polls.filter((p) => /::\{synthetic#\d+\}$/.test(p));
        const starts = new Set([...mir.matchAll(COROUTINE)].map((m) => `${m[1]}:${m[2]}:${m[3]}`));

        const report = await scan(c.dir, { cache: false });
        const items = report.items;
        assert.ok(items.length > 0);
        assert.equal(items.length, polls.length - synthetic.length, `poll bodies: ${polls.join(', ')}`);
        assert.equal(
          synthetic.length,
          items.filter((i) => i.kind === 'async-closure').length,
          'async closures',
        );
        const scanned = new Set(
          items.map((i) => {
            const file = relative(resolve(c.dir), join(report.root, i.file)).split('\\').join('/');
            return `${file}:${i.rustcStart.line}:${i.rustcStart.column}`;
          }),
        );
        assert.deepEqual([...scanned].sort(), [...starts].sort());
      });
    }
  });
}
