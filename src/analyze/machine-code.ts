// Machine code per async item: the final artifact's symbols (poll fns, drop glue, runtime instantiations)
// and its panic call sites, attributed to the joined items. An rlib-only build has no final artifact; a
// stripped or unreadable one is reported and the analysis goes on without code sizes.
import { readFileSync } from 'node:fs';
import type { BuildArtifacts, FinalArtifact } from '../cargo/build.ts';
import { UserError } from '../errors.ts';
import { type CodeObject, loadCodeObjects, ownObjects } from '../measure/code-objects.ts';
import { parseMirPath, splitTopLevel } from '../measure/code-paths.ts';
import { attributeCode, type CoroutineRef } from '../measure/code-size.ts';
import { countPanicSites, panicSitesOf } from '../measure/panic-sites.ts';
import { stackUseOf } from '../measure/stack-use.ts';
import { textBytes } from '../readers/elf.ts';
import { pathSegments } from './item-keys.ts';
import type { JoinedItem } from './join.ts';
import type { AnalyzeOptions } from './options.ts';

export interface MachineCodeResult {
  artifact?: FinalArtifact;
  /** Per crate: bytes of code attributed to its async items. */
  asyncCodeBytes: Map<string, number>;
  /** `.text` of the artifact; of a static library, only of the workspace crates' objects (staticlibText). */
  textBytes?: number;
  /** Whether the artifact carries `.stack_sizes` (frames per function); undefined without an artifact. */
  stackFrames?: boolean;
  /** `.stack_sizes` entries that could not be read: counted, with the first. */
  stackUnparsed?: { count: number; example: string };
  /** The artifact's objects, for what else reads the symbol table (task pools). */
  objects?: CodeObject[];
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

  noteStackSizes(loaded.objects, result, warn);
  result.objects = loaded.objects;
  const withBody = joined.filter((j) => j.mir);
  const refs: CoroutineRef[] = withBody.map((j) => coroutineRef(j));
  const code = attributeCode(loaded.objects, refs);
  const panics = countPanicSites(loaded.objects);
  for (const u of panics.unsupported) {
    warn(
      `panic call sites not counted in ${u.object}: machine ${u.machine} is not supported yet (x86-64 and ARM Thumb are)`,
    );
  }
  const ambiguous = { impls: [] as string[], legacy: [] as string[], paths: [] as string[] };
  code.items.forEach((attribution, k) => {
    const { item } = withBody[k]!;
    if (attribution.ambiguous) {
      const candidates = attribution.ambiguous.join(' | ');
      ambiguous[attribution.ambiguity ?? 'paths'].push(`${item.crate} ${item.name} (${candidates})`);
      return;
    }
    item.code = attribution.code;
    const stack = stackUseOf(attribution.code, item.futureBytes);
    if (stack) item.stack = stack;
    // Undefined when the poll fn has no symbol (code.inlined): unknown, not 0; the caller holds the sites.
    const sites = panicSitesOf(attribution.code.parts, panics);
    if (sites) item.panicSites = sites;
  });
  const why = {
    impls:
      "methods of several same-named types fit each, and symbols name the type, not the impl block (an impl that names its type by path, `impl crate::a::Probe`, or sits in the type's module is matched)",
    legacy:
      'their symbols are legacy-mangled, where `{{closure}}` does not say which closure of a fn it is (build with -C symbol-mangling-version=v0)',
    paths: 'several symbol paths fit each',
  };
  for (const kind of ['impls', 'legacy', 'paths'] as const) {
    const list = ambiguous[kind];
    if (list.length === 0) continue;
    const more = list.length > 3 ? `; and ${list.length - 3} more` : '';
    warn(
      `${list.length} async item(s) got no code size: ${why[kind]}: ${list.slice(0, 3).join('; ')}${more}`,
    );
  }
  for (const c of code.crates) result.asyncCodeBytes.set(c.crate, c.asyncCodeBytes);
  result.textBytes =
    artifact.kind === 'staticlib' ? staticlibText(loaded.objects, build, warn) : code.textBytes;
  return result;
}

/** Whether frames are known, and what of `.stack_sizes` could not be read. */
function noteStackSizes(objects: CodeObject[], result: MachineCodeResult, warn: (m: string) => void): void {
  result.stackFrames = objects.some((o) => o.stack?.present);
  for (const o of objects) {
    const u = o.stack?.unparsed;
    if (!u) continue;
    result.stackUnparsed = {
      count: (result.stackUnparsed?.count ?? 0) + u.count,
      example: result.stackUnparsed?.example ?? `${o.name}: ${u.example}`,
    };
  }
  if (!result.stackFrames)
    warn(
      'no stack frame sizes: the artifact has no .stack_sizes section (LLVM writes it for ELF targets only, given -Zemit-stack-sizes)',
    );
}

/**
 * A static library bundles the whole standard library (~300 objects: core, alloc, compiler_builtins) and
 * every dependency, which the final link mostly drops; its `.text` is that of the workspace's own crates'
 * objects: the library's crate and the members linked into it.
 */
function staticlibText(
  objects: CodeObject[],
  build: BuildArtifacts,
  warn: (message: string) => void,
): number {
  const owners = build.crates.filter((c) => c.member && !c.host);
  const own = ownObjects(objects, owners);
  if (own.length === 0) {
    warn(
      `no member of the static library is named after a workspace crate (${owners.map((c) => c.unit ?? c.crateName).join(', ')}): .text counts all ${objects.length} members, the standard library's too`,
    );
    return objects.reduce((n, o) => n + textBytes(o.elf), 0);
  }
  return own.reduce((n, o) => n + textBytes(o.elf), 0);
}

/**
 * MIR trims module paths when they are unambiguous (`handle::{closure#0}` for `dispatch::handle`), symbols
 * never do. The source item knows the full path: put back the modules that precede the MIR path's first
 * segment, or for an impl (`bounded::<impl at ..>::send`), the segments before the MIR's module.
 */
export function fullMirPath(mirName: string, itemName: string): string {
  const owner = splitTopLevel(itemName.replace(/(::\{async (block|closure)#\d+\})+$/, ''));
  const impl = mirName.indexOf('<impl at ');
  if (impl >= 0) {
    // Impl paths are trimmed the same way (`bounded::<impl at ..>::send` for `sync::mpsc::bounded`). The
    // item is `module::Type::method`: the module's segments end at least two before the item's end.
    const module = splitTopLevel(mirName.slice(0, impl)).filter((s) => s !== '');
    if (module.length === 0) return mirName;
    for (let end = owner.length - 2; end > module.length; end--) {
      const start = end - module.length;
      if (module.every((s, i) => owner[start + i] === s))
        return [...owner.slice(0, start), mirName].join('::');
    }
    return mirName;
  }
  const first = mirName.split('::')[0]!;
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
    // The item is `module::<self type as written>::method`; MIR (made full above) gives the module.
    const mir = parseMirPath(path);
    const module = mir.module.filter((s): s is string => typeof s === 'string');
    if (mir.viaImpl && module.length === mir.module.length && module.every((s, i) => segs[i] === s)) {
      const written = segs.slice(module.length, -1);
      if (written.length > 1) ref.selfPath = written;
    }
  }
  return ref;
}
