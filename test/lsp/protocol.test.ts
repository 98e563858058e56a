// `asyncbloat lsp` over the real protocol: the server runs as the CLI starts it (dist/cli.js lsp) and a
// client built on vscode-jsonrpc's own node streams talks to it. The numbers it shows are checked against
// `analyze --format json` of the same crate (a copy of examples/firmware-demo), the diagnostics against
// `scan --format json`. Nothing is mocked.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { AnalysisReport, ScanReport } from '../../src/model/report.ts';
import { formatBytes } from '../../src/report/text-table.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/firmware-demo/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-lsp-'));
const crate = join(tmp, 'firmware-demo');
const env = { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, 'target') };
const file = join(crate, 'src', 'dispatch.rs');
const uri = pathToFileURL(file).href;
const BUDGET = 150;

let report: AnalysisReport;
let server: ChildProcess;
let client: MessageConnection;
const messages: { type: number; message: string }[] = [];
const diagnostics = new Map<
  string,
  { version?: number; diagnostics: { code: string; message: string; range: unknown }[] }
>();

before(async () => {
  cpSync(EXAMPLE, crate, { recursive: true, filter: (p) => !p.includes('/target') });
  // A budget: hints mark the items over it.
  writeFileSync(join(crate, 'asyncbloat.toml'), `max-future-bytes = ${BUDGET}\n`);
  const r = spawnSync(process.execPath, [CLI, 'analyze', crate, '--format', 'json'], {
    encoding: 'utf8',
    env,
  });
  assert.equal(r.status, 0, r.stderr);
  report = JSON.parse(r.stdout) as AnalysisReport;
  server = spawn(process.execPath, [CLI, 'lsp'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  client = createMessageConnection(
    new StreamMessageReader(server.stdout!),
    new StreamMessageWriter(server.stdin!),
  );
  client.onNotification(
    'window/showMessage',
    (m: { type: number; message: string }) => void messages.push(m),
  );
  client.onNotification(
    'textDocument/publishDiagnostics',
    (p: { uri: string; version?: number; diagnostics: never[] }) => {
      diagnostics.set(p.uri, {
        ...(p.version !== undefined ? { version: p.version } : {}),
        diagnostics: p.diagnostics,
      });
    },
  );
  client.onRequest('window/workDoneProgress/create', () => null);
  client.onRequest('workspace/inlayHint/refresh', () => null);
  client.listen();
  await client.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(crate).href,
    capabilities: { window: { workDoneProgress: true } },
  });
  await client.sendNotification('initialized', {});
  await client.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'rust', version: 1, text: readFileSync(file, 'utf8') },
  });
});

after(() => {
  if (server && server.exitCode === null) server.kill();
  rmSync(tmp, { recursive: true, force: true });
});

async function until<T>(what: string, get: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** 0-based position of `needle` in the file's text. */
function positionOf(text: string, needle: string): { line: number; character: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  const before = text.slice(0, at).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

const hoverText = async (position: { line: number; character: number }, target = uri) => {
  const h = (await client.sendRequest('textDocument/hover', { textDocument: { uri: target }, position })) as {
    contents: { value: string };
  } | null;
  return h?.contents.value;
};

describe('asyncbloat lsp', () => {
  test('hover on an async fn shows its future as analyze measured it', async () => {
    const text = readFileSync(file, 'utf8');
    const item = report.items.find((i) => i.name === 'dispatch::handle')!;
    const value = await hoverText(positionOf(text, 'async fn handle'));
    assert.ok(value, 'a hover');
    assert.ok(value.includes(`future ${formatBytes(item.futureBytes)}`), value);
    assert.ok(value.includes(`${item.states} states`), value);
    assert.ok(!value.includes('As of the last build'), 'the file is unchanged');
    // Inside the body is not the item's header: no hover there.
    assert.equal(await hoverText({ line: item.line! + 2, character: 4 }), undefined);
  });

  test('inlay hints: one per analysed item of the file, with its size and states, marked over budget', async () => {
    const hints = (await client.sendRequest('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } },
    })) as { position: { line: number }; label: string }[];
    const items = report.items.filter((i) => i.file === 'src/dispatch.rs' && i.futureBytes !== null);
    assert.equal(hints.length, items.length);
    for (const i of items) {
      const h = hints.find((x) => x.position.line === i.line! - 1);
      assert.ok(h, i.name);
      assert.ok(h.label.includes(`${formatBytes(i.futureBytes)} · ${i.states} states`), h.label);
      assert.equal(h.label.startsWith('⚠'), i.futureBytes! > BUDGET, `${i.name}: ${h.label}`);
    }
    // Both sides of the budget are in the file, so the mark is tested both ways.
    assert.ok(items.some((i) => i.futureBytes! > BUDGET) && items.some((i) => i.futureBytes! <= BUDGET));
  });

  test('diagnostics on open are the rules’ findings, as scan reports them', async () => {
    const scan = JSON.parse(
      spawnSync(process.execPath, [CLI, 'scan', crate, '--format', 'json'], { encoding: 'utf8', env }).stdout,
    ) as ScanReport;
    const want = scan.findings.filter((f) => f.file === 'src/dispatch.rs').map((f) => `${f.rule} ${f.line}`);
    const got = await until('diagnostics', () => diagnostics.get(uri));
    assert.deepEqual(
      got.diagnostics
        .map((d) => `${d.code} ${(d.range as { start: { line: number } }).start.line + 1}`)
        .sort(),
      want.sort(),
    );
  });

  test('a change: new diagnostics, a code action with the fix, and stale hovers', async () => {
    const text = `${readFileSync(file, 'utf8')}\npub async fn extra() -> u8 {\n    1\n}\n`;
    await client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text }],
    });
    const got = await until('diagnostics of version 2', () => {
      const d = diagnostics.get(uri);
      return d?.version === 2 ? d : undefined;
    });
    const extra = got.diagnostics.find((d) => d.code === 'no-await' && d.message.includes('extra'));
    assert.ok(extra, JSON.stringify(got.diagnostics.map((d) => d.message)));
    const actions = (await client.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: extra.range,
      context: { diagnostics: [extra] },
    })) as {
      title: string;
      edit: {
        changes: Record<
          string,
          {
            range: { start: { line: number; character: number }; end: { line: number; character: number } };
            newText: string;
          }[]
        >;
      };
    }[];
    const fix = actions.find((a) => a.edit.changes[uri]);
    assert.ok(fix, JSON.stringify(actions));
    const lines = text.split('\n');
    const edits = [...fix.edit.changes[uri]!].sort(
      (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
    );
    for (const e of edits) {
      assert.equal(e.range.start.line, e.range.end.line, 'single-line edits here');
      const l = lines[e.range.start.line]!;
      lines[e.range.start.line] =
        l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    assert.ok(!lines.join('\n').includes('async fn extra'), lines.join('\n'));
    // The file changed since the analysed build: its numbers are shown as of that build.
    const value = await hoverText(positionOf(text, 'async fn handle'));
    assert.match(value!, /As of the last build: the file changed since/);
  });

  test('bad input: a corrupt result and a file outside any crate give messages, not a crash', async () => {
    const resultFile = join(tmp, 'target', 'asyncbloat', 'last-analyze.json');
    writeFileSync(resultFile, '{ not json');
    const text = readFileSync(file, 'utf8');
    const value = await hoverText(positionOf(text, 'async fn handle'));
    assert.match(value!, /is not valid JSON/);
    assert.match(value!, /run `asyncbloat analyze` again/);

    const outside = join(tmp, 'loose.rs');
    writeFileSync(outside, 'async fn lone() -> u8 { 1 }\n');
    const looseUri = pathToFileURL(outside).href;
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: looseUri, languageId: 'rust', version: 1, text: readFileSync(outside, 'utf8') },
    });
    await until('a message about the loose file', () =>
      messages.find((m) => m.message.includes('not inside a cargo package')),
    );
    assert.equal(await hoverText({ line: 0, character: 3 }, looseUri), undefined);
    // Still serving.
    assert.ok(await hoverText(positionOf(text, 'async fn handle')));
  });

  test('shutdown and exit: the server ends with status 0', async () => {
    const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
    await client.sendRequest('shutdown');
    await client.sendNotification('exit');
    assert.equal(await exited, 0);
    client.dispose();
  });
});
