// Machine code per async item: the final artifact's symbols (poll fns, drop glue, runtime instantiations)
// and its panic call sites, attributed to the joined items. An rlib-only build has no final artifact; a
// stripped or unreadable one is reported and the analysis goes on without code sizes.
import { readFileSync } from 'node:fs';
import type { BuildArtifacts, FinalArtifact } from '../cargo/build.ts';
import { UserError } from '../cli/errors.ts';
import { loadCodeObjects } from '../measure/code-objects.ts';
import { attributeCode, type CoroutineRef } from '../measure/code-size.ts';
import { countPanicSites, panicSitesOf } from '../measure/panic-sites.ts';
import type { AnalyzeOptions } from './index.ts';
import { pathSegments } from './item-keys.ts';
import type { JoinedItem } from './join.ts';

export interface MachineCodeResult {
  artifact?: FinalArtifact;
  /** Per crate: bytes of code attributed to its async items. */
  asyncCodeBytes: Map<string, number>;
  /** `.text` of the artifact. */
  textBytes?: number;
}

const LINKED = new Set(['bin', 'example', 'cdylib', 'staticlib']);

/** The artifact the user selected (`--bin`, `--example`, `--lib`), else the first binary, else a C library. */
export function chooseArtifact(build: BuildArtifacts, options: AnalyzeOptions): FinalArtifact | undefined {
  const members = new Set(build.crates.filter((c) => c.member).map((c) => c.packageId));
  const linked = build.artifacts.filter((a) => LINKED.has(a.kind) && members.has(a.packageId));
  const named = (kind: string, names?: string[]) =>
    names?.length
      ? linked.find((a) => a.kind === kind && names.some((n) => a.crateName === n.replaceAll('-', '_')))
      : undefined;
  return (
    named('bin', options.bin) ??
    named('example', options.example) ??
    // A cdylib is linked (one copy of each fn, dead code gone), so it says more than a staticlib's objects.
    (options.lib
      ? (linked.find((a) => a.kind === 'cdylib') ?? linked.find((a) => a.kind === 'staticlib'))
      : undefined) ??
    linked.find((a) => a.kind === 'bin') ??
    linked.find((a) => a.kind === 'cdylib') ??
    linked.find((a) => a.kind === 'staticlib') ??
    linked[0]
  );
}

export function measureMachineCode(
  joined: JoinedItem[],
  build: BuildArtifacts,
  options: AnalyzeOptions,
  warn: (message: string) => void,
): MachineCodeResult {
  const result: MachineCodeResult = { asyncCodeBytes: new Map() };
  const artifact = chooseArtifact(build, options);
  if (!artifact) return result;
  result.artifact = artifact;

  let loaded: ReturnType<typeof loadCodeObjects>;
  try {
    loaded = loadCodeObjects(readFileSync(artifact.path), artifact.path);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    warn(`no machine-code sizes: ${e.message}${e.help ? ` (${e.help})` : ''}`);
    return result;
  }
  if (loaded.skipped) {
    warn(
      `${loaded.skipped.count} archive member(s) are not ELF objects and were not read, e.g. ${loaded.skipped.example}`,
    );
  }

  const withBody = joined.filter((j) => j.mir);
  const refs: CoroutineRef[] = withBody.map((j) => coroutineRef(j));
  const code = attributeCode(loaded.objects, refs);
  const panics = countPanicSites(loaded.objects);
  for (const u of panics.unsupported) {
    warn(
      `panic call sites not counted in ${u.object}: machine ${u.machine} is not supported yet (x86-64 and ARM Thumb are)`,
    );
  }
  let ambiguous = 0;
  code.items.forEach((attribution, k) => {
    const { item } = withBody[k]!;
    if (attribution.ambiguous) {
      ambiguous++;
      return;
    }
    item.code = attribution.code;
    // Undefined when the poll fn has no symbol (code.inlined): unknown, not 0; the caller holds the sites.
    const sites = panicSitesOf(attribution.code.parts, panics);
    if (sites) item.panicSites = sites;
  });
  if (ambiguous > 0) {
    warn(
      `${ambiguous} async item(s) matched several symbols and got no code size (build with v0 mangling to tell them apart)`,
    );
  }
  for (const c of code.crates) result.asyncCodeBytes.set(c.crate, c.asyncCodeBytes);
  result.textBytes = code.textBytes;
  return result;
}

/**
 * MIR trims the module path of free fns when it is unambiguous (`handle::{closure#0}` for
 * `dispatch::handle`), symbols never do. The source item knows the full path: put back the modules that
 * precede the MIR path's first segment. Impl paths (`radio::<impl at ..>::send`) keep their module.
 */
export function fullMirPath(mirName: string, itemName: string): string {
  if (mirName.includes('<impl at')) return mirName;
  const first = mirName.split('::')[0]!;
  const owner = itemName.replace(/(::\{async (block|closure)#\d+\})+$/, '').split('::');
  const at = owner.lastIndexOf(first);
  return at > 0 ? [...owner.slice(0, at), mirName].join('::') : mirName;
}

function coroutineRef(j: JoinedItem): CoroutineRef {
  const path = j.source ? fullMirPath(j.mir!.name, j.item.name) : j.mir!.name;
  const ref: CoroutineRef = { crate: j.item.crate, path };
  const placement = j.source?.placement;
  if (placement === 'inherent-method' || placement === 'trait-impl' || placement === 'trait-default') {
    const segs = pathSegments(j.item.name);
    const selfType = segs[segs.length - 2];
    if (selfType) ref.selfType = selfType;
  }
  return ref;
}
