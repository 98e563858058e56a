// `analyze`: one cargo build, then per async item the compiler's own numbers, joined to the source scan.
// cargo/rustc → artifacts (MIR text, type-size text, binaries) → readers → join → measurements → report.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type BuildArtifacts, buildForAnalysis, type CrateOutputs } from '../cargo/build.ts';
import { errorText } from '../errors.ts';
import { adviseBoxes, DEFAULT_BOX_THRESHOLD, pointerBytesOf } from '../measure/box-advice.ts';
import { rootItems } from '../measure/root-futures.ts';
import { candidateCrates, findStaticFutures } from '../measure/static-futures.ts';
import { dataStatics, findTasks } from '../measure/task-ram.ts';
import type { AnalysisReport, AnalyzedItem, CrateSummary, FutureLayout } from '../model/report.ts';
import { SCHEMA_VERSION, type ScanReport } from '../model/report.ts';
import { pathInside } from '../paths.ts';
import { MirReader, type MirReadResult } from '../readers/mir.ts';
import { type HolderLayout, TypeSizesReader } from '../readers/type-sizes.ts';
import { scan } from '../scan/index.ts';
import { VERSION } from '../version.ts';
import { readCrateStatics } from './crate-statics.ts';
import { forEachLine } from './file-lines.ts';
import { attachForeignLayouts, fillMeasures, type JoinedItem, joinCrate } from './join.ts';
import { measureMachineCode } from './machine-code.ts';
import type { AnalyzeOptions } from './options.ts';
import { writtenPoolSize } from './pool-size.ts';
import { isSelectedMember } from './primary.ts';

export type { AnalyzeOptions };

type Unparsed = AnalysisReport['unparsed'];

export async function analyze(options: AnalyzeOptions = {}): Promise<AnalysisReport> {
  return (await analyzeWithDirs(options)).report;
}

/** The report, and asyncbloat's own dir under the workspace's target dir (`<target>/asyncbloat`). */
export async function analyzeWithDirs(
  options: AnalyzeOptions = {},
): Promise<{ report: AnalysisReport; asyncbloatDir: string }> {
  const build = await buildForAnalysis(options);
  return { report: await analyzeBuild(build, options), asyncbloatDir: dirname(build.targetDir) };
}

/**
 * Everything after the build: pure reading and joining of the build's outputs. The build's lock on its
 * directory (BuildArtifacts.lock) is released once they are read.
 */
export async function analyzeBuild(
  build: BuildArtifacts,
  options: AnalyzeOptions = {},
): Promise<AnalysisReport> {
  try {
    return await readBuild(build, options);
  } finally {
    build.lock?.release();
  }
}

async function readBuild(build: BuildArtifacts, options: AnalyzeOptions): Promise<AnalysisReport> {
  const root = build.workspaceRoot;
  const unparsed: Unparsed = [];
  const warnings = [...build.warnings];
  const analysed = build.crates.filter(
    (c) => options.deps || (c.member && isSelectedMember(c.packageName, options)),
  );
  const unselected = [
    ...new Set(
      build.crates.filter((c) => c.member && !analysed.includes(c) && !c.host).map((c) => c.packageName),
    ),
  ];
  if (unselected.length > 0)
    warnings.push(
      `workspace member${unselected.length === 1 ? '' : 's'} ${unselected.join(', ')} built as a dependency of the packages -p selected: not reported, as cargo clippy -p does not lint them (--workspace or -p ${unselected[0]} reports ${unselected.length === 1 ? 'it' : 'them'})`,
    );

  // One scan per package directory: lib, bins and examples of a package share its sources.
  const scans = new Map<string, ScanReport>();
  for (const dir of new Set(analysed.map((c) => c.manifestDir))) {
    const built = analysed.filter((c) => c.manifestDir === dir);
    const { report, left } = onlyBuiltTargets(await scan(dir, options.scan), built);
    scans.set(dir, report);
    if (left > 0 && built.some((c) => c.member))
      warnings.push(
        `${left} async item${left === 1 ? '' : 's'} of ${built[0]!.packageName} ${left === 1 ? 'is' : 'are'} in targets ` +
          'this build does not compile (tests/, benches/, examples/): not analysed; `asyncbloat scan` lists them',
      );
  }

  const joined: JoinedItem[] = [];
  const allLayouts: FutureLayout[] = [];
  const holders = new Map<string, HolderLayout>();
  const foreign: FutureLayout[] = [];
  for (const c of analysed) {
    const s = scans.get(c.manifestDir)!;
    const mir = readMirFiles(c, unparsed);
    const layouts = readLayouts(c, unparsed, allLayouts, holders);
    const { items, foreignLayouts } = joinCrate({
      crate: c.crateName,
      buildRoot: root,
      scanRoot: s.root,
      packageRoot: c.manifestDir,
      items: s.items,
      findings: s.findings,
      mir,
      layouts,
    });
    // Scan paths are relative to the package; the report's, like `scan` of a workspace, to its root.
    const toRoot = (file: string) => reportPath(root, resolve(s.root, file));
    for (const j of items) {
      j.item.file = j.item.file && toRoot(j.item.file);
      j.item.findings = j.item.findings.map((f) => ({
        ...f,
        file: toRoot(f.file),
        ...(f.fix
          ? { fix: { ...f.fix, edits: f.fix.edits.map((e) => ({ ...e, file: toRoot(e.file) })) } }
          : {}),
      }));
    }
    joined.push(...items);
    foreign.push(...foreignLayouts);
  }

  const merged = dropUncompiledDependencyItems(mergeTargets(joined), build, warnings);
  attachForeignLayouts(merged, foreign);
  fillMeasures(merged, allLayouts);
  const code = measureMachineCode(merged, build, options, (w) => warnings.push(w));
  if (code.stackUnparsed) noteUnparsed(unparsed, '.stack_sizes', code.stackUnparsed);
  const items = merged.map((j) => j.item);
  const sourceOf = new Map(merged.map((j) => [j.item, j.source]));
  adviseBoxes(items, rootItems({ items }), {
    thresholdBytes: options.boxThreshold ?? DEFAULT_BOX_THRESHOLD,
    pointerBytes: pointerBytesOf(build.target),
    awaitColumn: (item, line) => sourceOf.get(item)?.awaitSites.find((a) => a.line === line)?.column,
  });
  const crates = summarizeCrates(items);
  const taskRam = code.objects
    ? findTasks({
        elfs: code.objects.map((o) => o.elf),
        items,
        holders,
        sourcePoolSize: (item) => writtenPoolSize(root, item),
      })
    : undefined;
  let staticFutures: ReturnType<typeof findStaticFutures> | undefined;
  if (code.objects && taskRam) {
    const taskSymbols = new Set(taskRam.tasks.map((t) => t.symbol));
    const sizeInput = {
      statics: code.objects.flatMap((o) => dataStatics(o.elf)).filter((s) => !taskSymbols.has(s.name)),
      crates: new Set(analysed.map((c) => c.crateName)),
      items,
      holders,
    };
    const wanted = candidateCrates(sizeInput);
    const declarations = await readCrateStatics(analysed, wanted, (abs) => reportPath(root, abs));
    staticFutures = findStaticFutures({ ...sizeInput, declarations });
  }
  for (const c of crates) {
    const bytes = code.asyncCodeBytes.get(c.name);
    if (bytes !== undefined) c.asyncCodeBytes = bytes;
    if (code.textBytes !== undefined && bytes !== undefined) c.textBytes = code.textBytes;
  }
  const scanStats = mergeScanStats([...scans.values()], root);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'asyncbloat', version: VERSION },
    root,
    build: {
      profile: build.profile,
      toolchain: build.toolchain.version,
      bootstrap: build.toolchain.bootstrap,
      toolchainReason: build.toolchain.reason,
      ...(build.fallback ? { fallback: build.fallback } : {}),
      ...(build.target ? { target: build.target } : {}),
      ...(code.artifact ? { artifact: reportPath(root, code.artifact.path) } : {}),
      ...(options.deps ? { deps: true } : {}),
      ...(build.codegen ? { codegen: build.codegen } : {}),
      ...(code.stackFrames !== undefined ? { stackFrames: code.stackFrames } : {}),
    },
    items,
    crates,
    ...(taskRam ? { tasks: taskRam.tasks, staticRamBytes: taskRam.staticRamBytes } : {}),
    ...(staticFutures ? { staticFutures } : {}),
    warnings,
    unparsed,
    scan: scanStats,
  };
}

/**
 * A package directory also holds crates this build did not compile: integration tests, benches, examples
 * not asked for. Their items would be listed under the package's lib without MIR or layout, so only items
 * under the source directory of a built target (`src/` for `src/lib.rs`) are kept; `left` counts the rest.
 */
function onlyBuiltTargets(report: ScanReport, built: CrateOutputs[]): { report: ScanReport; left: number } {
  const dirs = [...new Set(built.map((c) => dirname(c.srcPath)))];
  const keep = (file: string) => dirs.some((d) => pathInside(d, resolve(report.root, file)) !== undefined);
  const items = report.items.filter((i) => keep(i.file));
  const findings = report.findings.filter((f) => keep(f.file));
  return { report: { ...report, items, findings }, left: report.items.length - items.length };
}

function readMirFiles(c: CrateOutputs, unparsed: Unparsed): MirReadResult | undefined {
  if (c.mir.length === 0) return undefined;
  // One file per body: read one at a time, joined by the reader (a constructor and its poll body are in
  // different files).
  const reader = new MirReader();
  const unreadable = { count: 0, example: '' };
  for (const f of c.mir) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      // A body past Node's string limit, or a file gone: that body is counted, the others are read.
      unreadable.count++;
      unreadable.example ||= `${f}: cannot read (${errorText(e)})`;
      continue;
    }
    reader.add(text);
  }
  const result = reader.finish();
  noteUnparsed(unparsed, `MIR of ${c.crateName}`, result.unparsed);
  noteUnparsed(unparsed, `MIR files of ${c.crateName}`, unreadable);
  return result;
}

function readLayouts(
  c: CrateOutputs,
  unparsed: Unparsed,
  all: FutureLayout[],
  holders: Map<string, HolderLayout>,
): FutureLayout[] {
  const out: FutureLayout[] = [];
  for (const f of c.typeSizes) {
    // In pieces: `--deps` on a large crate prints more than one string can hold.
    const reader = new TypeSizesReader();
    forEachLine(f, (line) => reader.add(line));
    const r = reader.finish();
    noteUnparsed(unparsed, `-Zprint-type-sizes of ${c.crateName}`, r.unparsed);
    out.push(...r.futures);
    all.push(...r.futures);
    for (const [name, h] of r.holders) if (!holders.has(name)) holders.set(name, h);
  }
  return out;
}

function noteUnparsed(list: Unparsed, source: string, u: { count: number; example?: string }): void {
  if (u.count === 0) return;
  const prev = list.find((x) => x.source === source);
  if (prev) prev.count += u.count;
  else list.push({ source, count: u.count, example: u.example ?? '' });
}

/**
 * A package's lib, bins and examples are separate crates over the same directory, so each source item was
 * joined once per target; keep, per source position, the copy the compiler knows most about.
 */
function mergeTargets(joined: JoinedItem[]): JoinedItem[] {
  const best = new Map<string, JoinedItem>();
  const order: string[] = [];
  for (const j of joined) {
    const i = j.item;
    const key =
      i.origin === 'scan'
        ? `${i.file}:${i.line}:${i.column}:${i.kind}`
        : `${i.crate}:${i.name}:${i.file}:${i.line}`;
    const prev = best.get(key);
    if (!prev) order.push(key);
    if (!prev || score(j) > score(prev)) best.set(key, j);
  }
  return order.map((k) => best.get(k)!);
}

/**
 * A dependency's source holds many async items its build never compiles (cfg-gated features, `cfg(test)`
 * modules): with `--deps` they would fill the table with empty rows. They are counted per crate instead.
 * The user's own items are always listed, compiled or not, since those are the ones they can change.
 */
function dropUncompiledDependencyItems(
  items: JoinedItem[],
  build: BuildArtifacts,
  warnings: string[],
): JoinedItem[] {
  const members = new Set(build.crates.filter((c) => c.member).map((c) => c.crateName));
  const dropped = new Map<string, number>();
  const kept = items.filter((j) => {
    const keep = members.has(j.item.crate) || j.mir !== undefined || j.item.layouts.length > 0;
    if (!keep) dropped.set(j.item.crate, (dropped.get(j.item.crate) ?? 0) + 1);
    return keep;
  });
  for (const [crate, n] of dropped) {
    warnings.push(
      `${n} async item${n === 1 ? '' : 's'} of dependency ${crate} not compiled in this build (cfg-gated): not listed`,
    );
  }
  return kept;
}

function score(j: JoinedItem): number {
  return (j.mir ? 2 : 0) + (j.item.layouts.length > 0 ? 1 : 0);
}

function reportPath(root: string, abs: string): string {
  return pathInside(root, abs) ?? abs;
}

function mergeScanStats(reports: ScanReport[], root: string): ScanReport['stats'] {
  const rel = (s: ScanReport, f: string) => reportPath(root, resolve(s.root, f));
  return {
    filesScanned: reports.reduce((n, r) => n + r.stats.filesScanned, 0),
    filesWithoutAsync: reports.reduce((n, r) => n + r.stats.filesWithoutAsync, 0),
    filesWithParseErrors: reports.flatMap((r) => r.stats.filesWithParseErrors.map((f) => rel(r, f))),
    skipped: reports.flatMap((r) => r.stats.skipped.map((s) => ({ ...s, file: rel(r, s.file) }))),
    findingsInTests: reports.reduce((n, r) => n + (r.stats.findingsInTests ?? 0), 0),
  };
}

function summarizeCrates(items: AnalyzedItem[]): CrateSummary[] {
  const by = new Map<string, CrateSummary>();
  for (const i of items) {
    const s = by.get(i.crate) ?? { name: i.crate, asyncItems: 0, futureBytes: 0 };
    s.asyncItems++;
    s.futureBytes += i.futureBytes ?? 0;
    by.set(i.crate, s);
  }
  return [...by.values()];
}
