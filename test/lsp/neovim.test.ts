// A real editor: Debian's Neovim, headless, with its built-in LSP client, starts `asyncbloat lsp` on a copy
// of the example crate, hovers `async fn handle` and writes what it got (test/lsp/neovim-hover.lua). The
// future size in that hover must be the one `analyze --format json` reports for the item.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AnalysisReport } from '../../src/model/report.ts';
import { formatBytes } from '../../src/report/text-table.ts';
import { has, need } from '../support/require.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/firmware-demo/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./neovim-hover.lua', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-nvim-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('Neovim hovers an async fn and shows the size analyze measured', (t) => {
  if (!need(t, 'neovim', has.neovim())) return;
  const crate = join(tmp, 'firmware-demo');
  cpSync(EXAMPLE, crate, { recursive: true, filter: (p) => !p.includes('/target') });
  const env = { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, 'target') };
  const r = spawnSync(process.execPath, [CLI, 'analyze', crate, '--format', 'json'], {
    encoding: 'utf8',
    env,
  });
  assert.equal(r.status, 0, r.stderr);
  const item = (JSON.parse(r.stdout) as AnalysisReport).items.find((i) => i.name === 'dispatch::handle')!;
  const out = join(tmp, 'hover.txt');
  const nvim = spawnSync(
    'nvim',
    ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${SCRIPT}`],
    {
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...env,
        ASYNCBLOAT_CLI: CLI,
        ASYNCBLOAT_ROOT: crate,
        ASYNCBLOAT_FILE: join(crate, 'src', 'dispatch.rs'),
        ASYNCBLOAT_NEEDLE: 'async fn handle',
        ASYNCBLOAT_OUT: out,
      },
    },
  );
  assert.equal(nvim.status, 0, `${nvim.stdout}\n${nvim.stderr}`);
  const hover = readFileSync(out, 'utf8');
  t.diagnostic(`Neovim's hover:\n${hover}`);
  assert.ok(hover.includes(`future ${formatBytes(item.futureBytes)}`), hover);
  assert.ok(hover.includes(`${item.states} states`), hover);
});
