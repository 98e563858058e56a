// Benchmark of the HTML report for 2,000 async items: file size (target < 2 MB), render time in Node, and time
// until the page is interactive in Chromium (navigation start → the page's `asyncbloat-ready` mark, target
// < 1 s). Reference figures from the same run: the report's own JSON (size, JSON.stringify time) and a 1-item page.
// The document is synthesised with the shapes of rustc 1.95's layouts: 60 files, 0–4 awaits per item,
// Unresumed/SuspendN/Returned/Panicked states with upvars, locals, padding and awaitees, a third of the items
// awaited by other items, and a finding with a fix on every tenth item.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnalysisReport, AnalyzedItem, LayoutField, StateLayout } from '../src/model/report.ts';
import { renderHtml } from '../src/report/html/render.ts';
import { launch } from '../test/report/browser.ts';

const ITEMS = 2000;
const FILES = 60;

/** Deterministic pseudo-random numbers (LCG), so every run measures the same document. */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

export function synthesise(count: number): { report: AnalysisReport; sources: Map<string, string> } {
  const r = rng(42);
  const perFile = Math.ceil(count / FILES);
  const sources = new Map<string, string>();
  const items: AnalyzedItem[] = [];
  for (let f = 0; f < FILES && items.length < count; f++) {
    const file = `src/service_${f}/handlers.rs`;
    const lines: string[] = ['use crate::prelude::*;', ''];
    for (let j = 0; j < perFile && items.length < count; j++) {
      const awaits = r(5);
      const name = `service_${f}::handlers::handle_request_${j}`;
      const line = lines.length + 1;
      lines.push(
        `pub async fn handle_request_${j}(ctx: &Context, req: Request) -> Result<Response, Error> {`,
      );
      lines.push('    let started = Instant::now();');
      for (let a = 0; a < awaits; a++) lines.push(`    let r${a} = ctx.backend_${a}.call(&req).await?;`);
      lines.push('    Ok(Response::new(started.elapsed()))', '}', '');
      const upvars: LayoutField[] = [
        { name: '.ctx', kind: 'upvar', offset: 1, bytes: 8 },
        { name: '.req', kind: 'upvar', offset: 9, bytes: 64 + 8 * r(8) },
      ];
      const states: StateLayout[] = [{ name: 'Unresumed', bytes: 80, fields: upvars }];
      let size = 80;
      for (let a = 0; a < awaits; a++) {
        const local = 8 * (1 + r(64));
        const awaitee = 16 * (1 + r(40));
        const fields: LayoutField[] = [
          ...upvars,
          { name: '.started', kind: 'local', offset: 80, bytes: 16 },
          { name: `.r${a}`, kind: 'local', offset: 96, bytes: local },
          { name: 'padding', kind: 'padding', offset: 96 + local, bytes: 8 },
          {
            name: '.__awaitee',
            kind: 'awaitee',
            offset: 104 + local,
            bytes: awaitee,
            type: `{async fn body of backend::Client::call<Request>()}`,
          },
        ];
        const bytes = 104 + local + awaitee;
        size = Math.max(size, bytes);
        states.push({ name: `Suspend${a}`, bytes, awaitLine: line + 2 + a, fields });
      }
      states.push(
        { name: 'Returned', bytes: 80, fields: upvars },
        { name: 'Panicked', bytes: 80, fields: upvars },
      );
      const it: AnalyzedItem = {
        name,
        kind: 'async-fn',
        crate: 'server',
        file,
        line,
        column: 1,
        origin: 'scan',
        awaits,
        futureBytes: size,
        states: awaits + 3,
        suspendPoints: awaits,
        mirLines: 60 + 40 * awaits,
        basicBlocks: 8 + 6 * awaits,
        panicPaths: { resumedAfterCompletion: true, resumedAfterPanic: true },
        layouts: [
          {
            typeName: `{async fn body of ${name}()}`,
            bytes: size,
            alignment: 8,
            discriminantBytes: 1,
            states,
          },
        ],
        heldAcrossAwait: states
          .filter((s) => s.name.startsWith('Suspend'))
          .map((s) => ({ state: s.name, line: s.awaitLine!, bytes: s.bytes - 80, fields: [] })),
        duplicatedArgs: [],
        children: states
          .filter((s) => s.name.startsWith('Suspend'))
          .map((s) => {
            const aw = s.fields.at(-1)!;
            return { typeName: aw.type!, bytes: aw.bytes, state: s.name };
          }),
        code: { codeBytes: 200 + 150 * awaits, inlined: false, parts: [] },
        panicSites: { resumed: 1, resumedPanic: 1, bytes: 24 },
        findings: [],
      };
      items.push(it);
    }
    sources.set(file, lines.join('\n'));
  }
  // A third of the items await another (earlier) item: the treemap nests them.
  for (let k = 3; k < items.length; k += 3) {
    const parent = items[k]!;
    const child = items[k - 1 - r(2)]!;
    if (parent.children.length > 0 && child.futureBytes! < parent.futureBytes!) {
      parent.children[0] = {
        typeName: `{async fn body of ${child.name}()}`,
        bytes: child.futureBytes!,
        item: child.name,
        state: 'Suspend0',
      };
    }
  }
  for (let k = 0; k < items.length; k += 10) {
    const it = items[k]!;
    const text = sources.get(it.file!)!;
    const at = text.indexOf(`handle_request_${it.name.split('_').at(-1)}(`);
    it.findings.push({
      rule: 'large-future',
      severity: 'warning',
      message: `future of \`${it.name}\` is ${it.futureBytes} bytes`,
      help: 'box the largest awaitee with Box::pin',
      item: it.name,
      file: it.file!,
      line: it.line!,
      column: 8,
      endLine: it.line!,
      endColumn: 30,
      byteStart: at,
      byteEnd: at + 10,
      fix: {
        description: 'box the future',
        applicability: 'maybe-incorrect',
        edits: [{ file: it.file!, start: at, end: at, text: 'boxed_' }],
      },
    });
  }
  const report: AnalysisReport = {
    schemaVersion: 1,
    tool: { name: 'asyncbloat', version: '0.1.0' },
    root: '/bench/server',
    build: { profile: 'release', toolchain: 'rustc 1.95.0', bootstrap: true },
    items,
    warnings: [],
    crates: [
      {
        name: 'server',
        asyncItems: items.length,
        futureBytes: items.reduce((s, i) => s + (i.futureBytes ?? 0), 0),
      },
    ],
    unparsed: [],
    scan: { filesScanned: FILES, filesWithoutAsync: 0, filesWithParseErrors: [], skipped: [] },
  };
  return { report, sources };
}

function timeMs(fn: () => void, runs: number): number {
  const t: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

interface Load {
  /** Navigation start → the page's `asyncbloat-ready` mark (first paint with everything drawn). */
  ready: number;
  /** HTML parsed up to the page script (includes reading the file). */
  start: number;
  /** JSON.parse + unpack of the embedded data. */
  data: number;
  /** Building the DOM: summary, treemap, table, findings. */
  built: number;
}

/** Median (by `ready`) of `runs` loads of `file` in one Chromium. */
async function loadTimes(file: string, runs: number): Promise<Load> {
  const browser = await launch();
  try {
    const page = await browser.ctx.newPage();
    const loads: Load[] = [];
    for (let k = 0; k < runs; k++) {
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('html[data-ready]', { timeout: 30_000 });
      const m = await page.evaluate(() =>
        Object.fromEntries(
          performance.getEntriesByType('mark').map((e) => [e.name.replace('asyncbloat-', ''), e.startTime]),
        ),
      );
      loads.push({ ready: m.ready!, start: m.start!, data: m.data! - m.start!, built: m.built! - m.data! });
    }
    return loads.sort((a, b) => a.ready - b.ready)[Math.floor(runs / 2)]!;
  } finally {
    await browser.close();
  }
}

export async function run(): Promise<void> {
  const { report, sources } = synthesise(ITEMS);
  const readSource = (f: string) => sources.get(f);
  const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-bench-report-'));
  try {
    let html = '';
    renderHtml(report, { readSource }); // warm-up: bundles the page script once when running from src
    const renderMs = timeMs(() => {
      html = renderHtml(report, { readSource });
    }, 5);
    const jsonMs = timeMs(() => JSON.stringify(report), 5);
    const json = JSON.stringify(report);
    const bigFile = join(dir, 'report-2000.html');
    writeFileSync(bigFile, html);
    const small = join(dir, 'report-1.html');
    writeFileSync(small, renderHtml({ ...report, items: report.items.slice(0, 1) }, { readSource }));
    const bytes = Buffer.byteLength(html);
    console.log(`report: ${ITEMS} items, ${FILES} source files`);
    console.log(
      `  html size        ${(bytes / 1024 / 1024).toFixed(2)} MiB (target < 2 MB: ${bytes < 2_000_000 ? 'ok' : 'MISSED'}); ${(bytes / Buffer.byteLength(json)).toFixed(2)}× the report's JSON`,
    );
    console.log(
      `  render in Node   ${renderMs.toFixed(0)} ms; ${(renderMs / jsonMs).toFixed(1)}× JSON.stringify of the report (${jsonMs.toFixed(1)} ms)`,
    );
    const one = await loadTimes(small, 5);
    const big = await loadTimes(bigFile, 5);
    console.log(
      `  interactive      ${big.ready.toFixed(0)} ms in Chromium (target < 1 s: ${big.ready < 1000 ? 'ok' : 'MISSED'}); ${(big.ready / one.ready).toFixed(1)}× a 1-item report (${one.ready.toFixed(0)} ms)`,
    );
    console.log(
      `    of which      HTML ${big.start.toFixed(0)} ms, data ${big.data.toFixed(0)} ms, DOM ${big.built.toFixed(0)} ms, layout+paint ${(big.ready - big.start - big.data - big.built).toFixed(0)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
