// Stack bytes per poll, end to end (issue #23): `analyze` on test/fixtures/code/stackframes, whose `handle`
// awaits a 16 KB future twice. Every frame is checked against `llvm-readobj --stack-sizes` of the binary
// analyze measured (names demangled by rustfilt), and the future size against the same report's
// -Zprint-type-sizes figure; the formats show what the JSON says.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AnalysisReport, AnalyzedItem } from '../../src/model/report.ts';
import { renderAnalyzeTable, renderExplain } from '../../src/report/analyze-human.ts';
import { colors } from '../../src/report/colors.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { sarifLog } from '../../src/report/sarif.ts';
import { formatBytes } from '../../src/report/text-table.ts';
import { readobjStackSizes, rustfilt } from '../code/support/fixtures.ts';
import { has, need } from '../support/require.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const CRATE = fileURLToPath(new URL('../fixtures/code/stackframes/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-stack-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function analyze(profile: 'dev' | 'release'): AnalysisReport {
  const r = spawnSync(
    process.execPath,
    [CLI, 'analyze', CRATE, ...(profile === 'release' ? ['--release'] : []), '--format', 'json'],
    {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, profile) },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as AnalysisReport;
}

/** llvm-readobj's frames of the analysed binary, by name as rustfilt demangles it. */
function llvmFrames(report: AnalysisReport): Map<string, number> {
  const raw = readobjStackSizes(resolve(report.root, report.build.artifact!));
  const names = [...raw.keys()];
  const demangled = rustfilt(names);
  const out = new Map<string, number>();
  names.forEach((n, k) => {
    const d = demangled[k]!;
    out.set(d, Math.max(out.get(d) ?? 0, raw.get(n)!));
  });
  return out;
}

const item = (r: AnalysisReport, name: string): AnalyzedItem => {
  const i = r.items.find((x) => x.name === name);
  assert.ok(i, `item ${name}`);
  return i;
};

describe('analyze: stack bytes per poll', () => {
  test('dev: poll frames are llvm-readobj’s, and handle’s is several times its future', (t) => {
    if (!need(t, 'llvm-readobj', has.llvmReadobj()) || !need(t, 'rustfilt', has.rustfilt())) return;
    const report = analyze('dev');
    assert.equal(report.build.stackFrames, true);
    const llvm = llvmFrames(report);
    for (const i of report.items) {
      for (const p of i.code?.parts ?? []) assert.equal(p.frameBytes, llvm.get(p.symbol), p.symbol);
    }
    const handle = item(report, 'handle');
    const poll = handle.code!.parts.find((p) => p.kind === 'poll')!;
    assert.equal(handle.stack?.pollFrameBytes, llvm.get(poll.symbol));
    const readBlock = item(report, 'read_block').futureBytes!;
    assert.ok(readBlock >= 16 * 1024, 'the awaitee holds 16 KB');
    // Two awaitees built on the stack (and moved): the frame is over twice the future.
    assert.ok(handle.stack!.pollFrameBytes! > 2 * handle.futureBytes!);
    assert.equal(
      handle.stack!.frameToFuture,
      Math.round((handle.stack!.pollFrameBytes! / handle.futureBytes!) * 100) / 100,
    );
    // Where it is entered: the block_on instantiation for handle's future, with its own frame.
    const entry = handle.stack!.entryFrames.find((e) => e.symbol.includes('block_on'));
    assert.ok(entry, 'block_on::<handle future> is an entry frame');
    assert.equal(entry.frameBytes, llvm.get(entry.symbol));
    assert.ok(entry.frameBytes >= handle.futureBytes!, 'block_on pins the future on its stack');

    // Every format shows it.
    const c = colors('never');
    const table = renderAnalyzeTable(report, report.items, c);
    assert.match(table, /poll stack/);
    assert.ok(table.includes(formatBytes(handle.stack!.pollFrameBytes)), table);
    assert.match(table, /more than twice the future/);
    const explain = renderExplain(handle, c, { build: report.build });
    assert.ok(explain.includes(`poll fn frame ${formatBytes(handle.stack!.pollFrameBytes)}`), explain);
    assert.match(explain, /entered through/);
    const md = renderMarkdown(report);
    assert.match(md, /\| poll stack \|/);
    const sarif = sarifLog(report);
    const results = sarif.runs[0]!.results!.filter((r) => r.ruleId === 'large-poll-frame');
    assert.equal(results.length, 1, 'one large poll frame: handle');
    assert.equal(results[0]!.properties?.pollFrameBytes, handle.stack!.pollFrameBytes);
    // The small items need no note: tick's frame is bigger than its 12 B future, but small.
    const tick = item(report, 'tick');
    assert.ok(tick.stack && tick.stack.pollFrameBytes! < 1024);

    // The budget: `check` fails handle's frame over max-poll-stack-bytes, per crate and per item glob.
    const reportFile = join(tmp, 'dev.json');
    writeFileSync(reportFile, JSON.stringify(report));
    const frame = handle.stack!.pollFrameBytes!;
    const check = (toml: string) => {
      const config = join(tmp, 'asyncbloat.toml');
      writeFileSync(config, toml);
      return spawnSync(process.execPath, [CLI, 'check', CRATE, '--report', reportFile, '--config', config], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
    };
    const over = check(`max-poll-stack-bytes = ${frame - 1}\n`);
    assert.equal(over.status, 1, over.stdout + over.stderr);
    assert.ok(
      over.stdout.includes(`error[poll-stack]: polling \`handle\` needs a ${frame} B stack frame`),
      over.stdout,
    );
    assert.equal(check(`max-poll-stack-bytes = ${frame}\n`).status, 0);
    const glob = check(
      `max-poll-stack-bytes = ${frame - 1}\n[[budget]]\nitem = "handle"\nmax-poll-stack-bytes = ${frame}\n`,
    );
    assert.equal(glob.status, 0, glob.stdout);
  });

  test('release: inlined poll fns have no frame of their own, and say so', (t) => {
    if (!need(t, 'llvm-readobj', has.llvmReadobj()) || !need(t, 'rustfilt', has.rustfilt())) return;
    const report = analyze('release');
    assert.equal(report.build.stackFrames, true);
    const llvm = llvmFrames(report);
    for (const i of report.items) {
      for (const p of i.code?.parts ?? []) assert.equal(p.frameBytes, llvm.get(p.symbol), p.symbol);
      const polls = (i.code?.parts ?? []).filter((p) => p.kind === 'poll');
      if (polls.length === 0 && i.stack) assert.equal(i.stack.pollFrameBytes, null, i.name);
    }
    const handle = item(report, 'handle');
    const explain = renderExplain(handle, colors('never'), { build: report.build });
    assert.match(explain, /stack per poll: (poll fn inlined|– \()/);
  });
});
