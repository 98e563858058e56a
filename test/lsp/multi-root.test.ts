// The language server in an editor with two folders open: one a workspace of two members, one a lone crate
// never analysed. Each member's hover shows its own item from the workspace's one last result; the lone
// crate gets the hint how to make one, and `asyncbloat.analyze` on one of its files analyses it; the same
// command on a member analyses the whole workspace, so the other member keeps its numbers. A save builds
// nothing unless analyzeOnSave is on. Numbers against `analyze --format json`.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import type { AnalysisReport } from '../../src/model/report.ts';
import { formatBytes } from '../../src/report/text-table.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-lsp-roots-'));
// No CARGO_TARGET_DIR: each folder keeps its own target dir, and with it its own last result.
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
delete env.CARGO_TARGET_DIR;

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

const ws = join(tmp, 'ws');
const lone = join(tmp, 'lone');
const files = {
  small: join(ws, 'small', 'src', 'lib.rs'),
  big: join(ws, 'big', 'src', 'lib.rs'),
  lone: join(lone, 'src', 'lib.rs'),
};
const BODY = (n: number) =>
  `pub async fn tick() {}\n\npub async fn hold() -> u8 {\n    let buf = [1u8; ${n}];\n    tick().await;\n    buf[${n - 1}]\n}\n`;

let server: ChildProcess;
let client: MessageConnection;
const resultFile = join(ws, 'target', 'asyncbloat', 'last-analyze.json');

before(async () => {
  write(join(ws, 'Cargo.toml'), '[workspace]\nmembers = ["small", "big"]\nresolver = "2"\n');
  for (const [name, n] of [
    ['small', 16],
    ['big', 512],
  ] as const) {
    write(join(ws, name, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`);
    write(join(ws, name, 'src', 'lib.rs'), BODY(n));
  }
  write(
    join(lone, 'Cargo.toml'),
    '[package]\nname = "lone"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n',
  );
  write(files.lone, BODY(64));

  server = spawn(process.execPath, [CLI, 'lsp'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  client = createMessageConnection(
    new StreamMessageReader(server.stdout!),
    new StreamMessageWriter(server.stdin!),
  );
  client.onNotification('window/showMessage', () => {});
  client.onNotification('textDocument/publishDiagnostics', () => {});
  client.onRequest('window/workDoneProgress/create', () => null);
  client.onRequest('workspace/inlayHint/refresh', () => null);
  client.listen();
  await client.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: [
      { uri: pathToFileURL(ws).href, name: 'ws' },
      { uri: pathToFileURL(lone).href, name: 'lone' },
    ],
    capabilities: { window: { workDoneProgress: true }, workspace: { workspaceFolders: true } },
  });
  await client.sendNotification('initialized', {});
  for (const f of Object.values(files))
    await client.sendNotification('textDocument/didOpen', {
      textDocument: { uri: pathToFileURL(f).href, languageId: 'rust', version: 1, text: readText(f) },
    });
});

after(() => {
  if (server && server.exitCode === null) server.kill();
  rmSync(tmp, { recursive: true, force: true });
});

function readText(f: string): string {
  return readFileSync(f, 'utf8');
}

async function hover(file: string): Promise<string> {
  const text = readText(file);
  const line = text.split('\n').findIndex((l) => l.includes('async fn hold'));
  const h = (await client.sendRequest('textDocument/hover', {
    textDocument: { uri: pathToFileURL(file).href },
    position: { line, character: 'pub async fn '.length + 1 },
  })) as { contents: { value: string } } | null;
  return h?.contents.value ?? '';
}

function analyzeJson(dir: string): AnalysisReport {
  const r = spawnSync(process.execPath, [CLI, 'analyze', dir, '--workspace', '--format', 'json'], {
    encoding: 'utf8',
    env,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as AnalysisReport;
}

let wsReport: AnalysisReport | undefined;

const holdBytes = (report: AnalysisReport, crate: string) =>
  report.items.find((i) => i.crate === crate && i.name === 'hold')!.futureBytes!;

test('before any analysis: every folder gets the hint how to make a result', async () => {
  for (const f of Object.values(files)) assert.match(await hover(f), /no analysis result for this crate yet/);
});

test('asyncbloat.analyze on a member analyses the whole workspace: each member shows its own numbers', async () => {
  // The reference first: the CLI keeps its result too, so it is removed before the server makes its own.
  const report = analyzeJson(ws);
  wsReport = report;
  rmSync(resultFile);
  await client.sendRequest('workspace/executeCommand', {
    command: 'asyncbloat.analyze',
    arguments: [pathToFileURL(files.small).href],
  });
  const small = holdBytes(report, 'small');
  const big = holdBytes(report, 'big');
  assert.ok(big > small + 400, `${small} vs ${big}`);
  assert.ok((await hover(files.small)).includes(formatBytes(small)), await hover(files.small));
  assert.ok((await hover(files.big)).includes(formatBytes(big)), await hover(files.big));
  // The other folder is a crate of its own: still no result.
  assert.match(await hover(files.lone), /no analysis result for this crate yet/);
});

test('a save builds nothing without analyzeOnSave', async () => {
  const before = statSync(resultFile).mtimeMs;
  await client.sendNotification('textDocument/didSave', {
    textDocument: { uri: pathToFileURL(files.big).href },
  });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(statSync(resultFile).mtimeMs, before);
});

test('the lone crate, analysed from its own file, shows its numbers; the workspace keeps its own', async () => {
  const lonely = holdBytes(analyzeJson(lone), 'lone');
  rmSync(join(lone, 'target', 'asyncbloat', 'last-analyze.json'));
  await client.sendRequest('workspace/executeCommand', {
    command: 'asyncbloat.analyze',
    arguments: [pathToFileURL(files.lone).href],
  });
  assert.ok((await hover(files.lone)).includes(formatBytes(lonely)), await hover(files.lone));
  assert.ok((await hover(files.big)).includes(formatBytes(holdBytes(wsReport!, 'big'))));
  await client.sendRequest('shutdown');
  await client.sendNotification('exit');
  client.dispose();
});
