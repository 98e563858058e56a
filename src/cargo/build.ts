// One cargo build of the user's crate or workspace that yields everything `analyze` reads: the MIR of the
// crates analysed (one file per body from `-Zdump-mir=runtime-optimized`, filed per crate by our
// RUSTC_WRAPPER), each crate's -Zprint-type-sizes output filed the same way, and v0 symbol names for the
// machine-code work. None of these changes the machine code: the binary measured is the one users ship.
//
// Choices worth knowing:
// * Dedicated target dir `<workspace target dir>/asyncbloat/{members,all-crates}/`: our flags differ from
//   the user's, so sharing their target dir would rebuild (and invalidate) their cache every time. Only
//   `--deps` builds capture every crate's type sizes (see shim.ts for why), so it has its own dir.
// * CARGO_INCREMENTAL=0: an incremental rustc prints no type sizes for work it took from its cache.
// * Fresh crates print nothing either. The wrapper's capture for a crate is named after cargo's unit hash
//   (`<crate>-<hash>`, the stem of its .rlib/.mir), which changes whenever anything about the unit does; so
//   when cargo reports a unit `fresh`, the capture from the run that compiled it is still the right one and
//   is reused (`typeSizesReused`). A fresh unit without a capture is reported in `warnings`.
// * The user's rustflags are kept: cargo would drop config `build.rustflags` once RUSTFLAGS is set, so we
//   resolve them like cargo (rustflags.ts) and pass them plus ours as CARGO_ENCODED_RUSTFLAGS.
// * cargo runs in the manifest's directory, so that crate's `.cargo/config.toml` (e.g. a vendored or
//   offline source) applies as it would for `cargo build` there.
// * Returned: one CrateOutputs per compiled lib/bin/example/proc-macro unit (workspace members only unless
//   `deps`); build scripts are built but not returned. Captures accumulate per unit hash like cargo's own
//   deps/ dir and go away with the target dir.
// * The RUSTC_WRAPPER is a shell script (shim.ts), so this runs on Unix-like systems only.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';
import { UserError } from '../errors.ts';
import {
  type ArtifactMessage,
  type FinalArtifact,
  finalArtifacts,
  findUnit,
  parsePackageId,
} from './artifacts.ts';
import { buildErrorHelp } from './build-error-help.ts';
import { type DirLock, lockDir } from './dir-lock.ts';
import { workspaceMetadata } from './metadata.ts';
import { NightlyFailures } from './nightly-failures.ts';
import { StatusLine, unitEstimate } from './progress.ts';
import { mirDumpDir, mirDumpFiles, OUT_DIR_ENV } from './rustc-wrapper.ts';
import { configuredTarget, rustcCfgs, userRustflags } from './rustflags.ts';
import { CAPTURE_DIRS_ENV, CAPTURE_ENV, writeShim } from './shim.ts';
import { planToolchains, type Toolchain, toolchainChoice } from './toolchain.ts';

/**
 * The flags asyncbloat adds to every rustc invocation. Each leaves the machine code as a plain build makes
 * it (checked by test/cargo/fidelity.test.ts): `--emit=mir` would not, since emitting MIR makes rustc build
 * each crate as one codegen unit. The MIR of the crates analysed comes from `-Zdump-mir`, which the
 * wrapper adds for those crates only (shim.ts). `-Zemit-stack-sizes` only adds a non-allocated
 * `.stack_sizes` section (LLVM's frame size per function) beside the code; targets that are not ELF ignore it.
 */
export const ANALYSIS_RUSTFLAGS = [
  '-Zprint-type-sizes',
  '-Csymbol-mangling-version=v0',
  '-Zemit-stack-sizes',
];

/** Cargo's own selection flags, with cargo's names. */
export interface CargoSelection {
  manifestPath?: string;
  package?: string[];
  workspace?: boolean;
  features?: string[];
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  target?: string;
  release?: boolean;
  profile?: string;
  lib?: boolean;
  bin?: string[];
  example?: string[];
  offline?: boolean;
}

export interface BuildOptions extends CargoSelection {
  /** Return dependency crates' outputs too (all crates are built either way). */
  deps?: boolean;
  /** Directory to start from when there is no manifestPath (default: process.cwd()). */
  cwd?: string;
  /** Base environment (default process.env); tests use it to change PATH or CARGO_TARGET_DIR. */
  env?: NodeJS.ProcessEnv;
  /** `--nightly` (true: only nightly), `--no-nightly` (false: the own toolchain), neither: see toolchain.ts. */
  nightly?: boolean;
  /** One-line status on stderr (default: when stderr is a TTY). */
  progress?: boolean;
  /** Where cargo's warnings and errors go (default: process.stderr). */
  log?: (text: string) => void;
  /**
   * The target dir whose `asyncbloat/nightly-failed.json` records nightly failures (default: this build's).
   * `savings` builds copies into target dirs of their own, but a failure seen by `analyze` holds for them.
   */
  nightlyFailuresIn?: string;
  /** rustc flags for a variant build (`-Zasync-panic=false`); it gets a target dir of its own. */
  extraRustflags?: string[];
  /**
   * The toolchain plan, already made in this build's directory with this env (`savings` shares one, so a
   * toolchain that failed for one build is not tried again by the other).
   */
  toolchain?: Toolchain[] | Promise<Toolchain[]>;
}

export interface CrateOutputs {
  /** rustc's crate name (`driver_app`), as in MIR and symbols. */
  crateName: string;
  /** Cargo target name (`driver-app`). */
  targetName: string;
  /** Cargo target kind: `lib`, `bin`, `example`, `proc-macro`, `cdylib`, ... */
  kind: string[];
  crateTypes: string[];
  packageId: string;
  packageName: string;
  version: string;
  member: boolean;
  manifestDir: string;
  srcPath: string;
  /** `<crate>-<hash>`: the stem of this unit's .rlib/.mir/capture; null when it could not be found. */
  unit: string | null;
  fresh: boolean;
  mir: string[];
  typeSizes: string[];
  /** True when the type sizes come from an earlier run because cargo found the unit fresh. */
  typeSizesReused: boolean;
  /**
   * Built for the host while the build has a target (proc macros and their dependencies): cargo passes
   * no rustflags to those, so they have no MIR and no type sizes. Always false without a target.
   */
  host: boolean;
}

export type { FinalArtifact } from './artifacts.ts';

/** What decides the machine code, as cargo reports it for the workspace's units. */
export interface CodegenSettings {
  optLevel: string;
  debugAssertions: boolean;
  overflowChecks: boolean;
  /** The user's rustflags (RUSTFLAGS, build.rustflags): they apply to this build as to theirs. */
  rustflags: string[];
}
export { wrapperCommand } from './shim.ts';

export interface BuildArtifacts {
  /** Cargo profile name: `dev`, `release` or a custom one. Layouts differ between profiles. */
  profile: string;
  target?: string;
  toolchain: Toolchain;
  workspaceRoot: string;
  /** The dedicated target dir used for this build. */
  targetDir: string;
  /** The user's rustflags that were kept, and where they came from. */
  userRustflags: { flags: string[]; source: string | null };
  /** The codegen settings cargo compiled the members with (from its own artifact messages). */
  codegen?: CodegenSettings;
  crates: CrateOutputs[];
  artifacts: FinalArtifact[];
  /** Things that did not go as expected but did not stop the build (missing captures, stray output). */
  warnings: string[];
  /** Why the preferred toolchain (the installed nightly) was not used: its build failed, now or before. */
  fallback?: BuildFallback;
  /**
   * The lock on `targetDir`, held so that another run does not rebuild it while its outputs are read:
   * analyzeBuild releases it once they are (it goes with the process at the latest). Absent for recorded
   * builds.
   */
  lock?: DirLock;
}

/** The preferred toolchain (the installed nightly) could not build the crate; the next one in the plan did. */
export interface BuildFallback {
  /** `rustc -vV`'s first line of the toolchain that failed. */
  toolchain: string;
  /** Which crate did not compile, and rustc's first error. */
  reason: string;
  /** Set when the failure was not tried again but recalled from this file (delete it to retry). */
  rememberedIn?: string;
}

/** The build failed; cargo's messages were already shown through `log` and are kept in `stderr`. */
export class CargoBuildError extends UserError {
  constructor(
    message: string,
    help: string,
    readonly stderr: string,
  ) {
    super(message, help);
    this.name = 'CargoBuildError';
  }
}

export function profileName(sel: CargoSelection): string {
  if (sel.release && sel.profile && sel.profile !== 'release') {
    throw new UserError(
      `conflicting usage of --profile=${sel.profile} and --release`,
      'use only one of them; --release is the same as --profile release',
    );
  }
  return sel.profile ?? (sel.release ? 'release' : 'dev');
}

/** The `cargo build` arguments for a selection (without the ones the driver adds). */
export function cargoBuildArgs(sel: CargoSelection): string[] {
  const args: string[] = [];
  if (sel.manifestPath) args.push('--manifest-path', sel.manifestPath);
  for (const p of sel.package ?? []) args.push('--package', p);
  if (sel.workspace) args.push('--workspace');
  if (sel.features && sel.features.length > 0) args.push('--features', sel.features.join(','));
  if (sel.allFeatures) args.push('--all-features');
  if (sel.noDefaultFeatures) args.push('--no-default-features');
  if (sel.target) args.push('--target', sel.target);
  const profile = profileName(sel);
  if (profile !== 'dev') args.push('--profile', profile);
  if (sel.lib) args.push('--lib');
  for (const b of sel.bin ?? []) args.push('--bin', b);
  for (const e of sel.example ?? []) args.push('--example', e);
  if (sel.offline) args.push('--offline');
  return args;
}

function resolveManifest(manifestPath: string | undefined, cwd: string): string | undefined {
  if (!manifestPath) return undefined;
  let p = resolve(cwd, manifestPath);
  if (existsSync(p) && statSync(p).isDirectory()) p = join(p, 'Cargo.toml');
  if (!existsSync(p)) {
    throw new UserError(
      `no Cargo.toml at ${p}`,
      'pass the path of a crate or workspace manifest: --manifest-path path/to/Cargo.toml',
    );
  }
  return p;
}

/** cargo's own progress lines on stderr; the status line replaces them. */
const CARGO_STATUS =
  /^\s*(Compiling|Fresh|Finished|Locking|Blocking|Checking|Building|Updating|Adding|Downloading|Downloaded|Packaging|Dirty)\s/;

export function isCargoStatusLine(line: string): boolean {
  // cargo colours its status words with ANSI escapes.
  return CARGO_STATUS.test(stripVTControlCharacters(line));
}

export async function buildForAnalysis(options: BuildOptions = {}): Promise<BuildArtifacts> {
  const baseEnv = options.env ?? process.env;
  const startDir = resolve(options.cwd ?? process.cwd());
  const manifestPath = resolveManifest(options.manifestPath, startDir);
  const cwd = manifestPath ? dirname(manifestPath) : startDir;
  const log = options.log ?? ((s: string) => process.stderr.write(s));

  const plan = await (options.toolchain ??
    planToolchains({ env: baseEnv, cwd, choice: toolchainChoice(options.nightly) }));
  const first = plan[0];
  if (!first) throw new Error('planToolchains returned no toolchain');
  const meta = await workspaceMetadata({
    cwd,
    env: { ...baseEnv, ...first.env },
    manifestPath,
    offline: options.offline,
  });
  const memory = new NightlyFailures(options.nightlyFailuresIn ?? meta.targetDirectory, meta.workspaceRoot);
  const candidates = [...plan];
  let fallback: BuildArtifacts['fallback'];
  // A shared plan (savings) is told too, so its other build does not try the failed toolchain again.
  const drop = (failed: Toolchain) => {
    candidates.shift();
    if (plan.includes(failed) && plan.length > 1) plan.splice(plan.indexOf(failed), 1);
  };
  const remembered = plan.length > 1 ? memory.recall(first) : undefined;
  if (remembered) {
    fallback = { toolchain: first.version, reason: remembered, rememberedIn: memory.file };
    drop(first);
  }
  for (;;) {
    const toolchain = candidates[0] as Toolchain;
    const hasNext = candidates.length > 1;
    // While a fallback remains, cargo's messages are held back: errors from a toolchain we then do not use
    // would only alarm. A build that succeeds shows its warnings all the same.
    const held: string[] = [];
    const attemptLog = hasNext ? (text: string) => held.push(text) : log;
    try {
      const statusLabel = fallback
        ? `asyncbloat analysis build, ${toolchain.release}: the nightly could not build it`
        : 'asyncbloat analysis build';
      const built = await buildWith(toolchain, options, {
        cwd,
        manifestPath,
        meta,
        log: attemptLog,
        statusLog: log,
        statusLabel,
      });
      for (const text of held) log(text);
      if (fallback && !remembered) memory.remember(first, fallback.reason);
      return fallback ? { ...built, fallback } : built;
    } catch (e) {
      if (!hasNext || !(e instanceof CargoBuildError)) throw e;
      fallback = { toolchain: toolchain.version, reason: firstError(e.stderr) };
      drop(toolchain);
    }
  }
}

/** The gist of a failed build for a one-line note: which crate did not compile, and rustc's first error. */
export function firstError(stderr: string): string {
  const lines = stripVTControlCharacters(stderr).split('\n');
  const crate = lines.map((l) => /^error: could not compile `([^`]+)`/.exec(l)?.[1]).find(Boolean);
  const error = lines.find((l) => /^error(\[E\d+\])?: /.test(l) && !l.startsWith('error: could not compile'));
  const last = lines.filter((l) => l.trim()).at(-1) ?? 'no output';
  if (crate && error) return `\`${crate}\` did not compile: ${error}`;
  return error ?? last;
}

interface BuildContext {
  cwd: string;
  manifestPath: string | undefined;
  meta: Awaited<ReturnType<typeof workspaceMetadata>>;
  /** Where cargo's messages go (held back while a fallback remains). */
  log: (text: string) => void;
  /** Where the status line goes: always the terminal, so a held attempt still shows its progress. */
  statusLog: (text: string) => void;
  /** Says which attempt the status line is for, e.g. after a failed nightly. */
  statusLabel: string;
}

/** One cargo build with one toolchain. */
async function buildWith(
  toolchain: Toolchain,
  options: BuildOptions,
  { cwd, manifestPath, meta, log, statusLog, statusLabel }: BuildContext,
): Promise<BuildArtifacts> {
  const baseEnv = options.env ?? process.env;
  const profile = profileName(options);
  const progress = options.progress ?? process.stderr.isTTY === true;
  const toolEnv = { ...baseEnv, ...toolchain.env };
  // Two dirs: one where only the members' type sizes are captured (the default, cheap) and one where all
  // crates' are (`deps`). Sharing one would leave fresh dependencies without captures after a default run.
  // A variant build with extra flags must not evict the normal one's outputs: it gets its own dir.
  const extra = options.extraRustflags ?? [];
  // So does a build with another toolchain than the user's: switching would otherwise rebuild everything.
  const variant =
    (toolchain.env.RUSTUP_TOOLCHAIN ? `-${toolchain.env.RUSTUP_TOOLCHAIN}` : '') +
    (extra.length ? `-${createHash('sha1').update(extra.join('\x1f')).digest('hex').slice(0, 10)}` : '');
  const targetDir = join(
    meta.targetDirectory,
    'asyncbloat',
    (options.deps ? 'all-crates' : 'members') + variant,
  );
  // Held until the caller has read the outputs (BuildArtifacts.lock); released here if the build fails.
  // Said at once, not held back with a fallback attempt's messages: the user is waiting.
  const lock = await lockDir(targetDir, options.log ?? ((s: string) => process.stderr.write(s)));
  try {
    const captureDir = join(targetDir, 'captures');
    const shim = writeShim(targetDir);

    const buildTarget = options.target ?? configuredTarget(cwd, baseEnv);
    const triple = buildTarget ?? toolchain.host;
    const user = await userRustflags({
      dir: cwd,
      env: baseEnv,
      triple,
      cfgs: () => rustcCfgs(toolEnv, cwd, buildTarget),
    });
    const env: NodeJS.ProcessEnv = {
      ...toolEnv,
      CARGO_INCREMENTAL: '0',
      CARGO_ENCODED_RUSTFLAGS: [...user.flags, ...ANALYSIS_RUSTFLAGS, ...extra].join('\x1f'),
      RUSTC_WRAPPER: shim,
      [OUT_DIR_ENV]: captureDir,
      [CAPTURE_ENV]: options.deps ? 'all' : '',
      [CAPTURE_DIRS_ENV]: meta.members.map((m) => dirname(m.manifestPath)).join(':'),
      CARGO_TERM_PROGRESS_WHEN: 'never',
    };
    // Both would bypass the capture: RUSTFLAGS is folded into CARGO_ENCODED_RUSTFLAGS above, and a workspace
    // wrapper (clippy-driver and the like) is not what the user wants measured.
    delete env.RUSTFLAGS;
    delete env.RUSTC_WORKSPACE_WRAPPER;
    if (process.stderr.isTTY && env.CARGO_TERM_COLOR === undefined && options.log === undefined) {
      env.CARGO_TERM_COLOR = 'always';
    }

    const args = [
      'build',
      '--message-format=json-render-diagnostics',
      '--target-dir',
      targetDir,
      ...cargoBuildArgs({ ...options, manifestPath }),
    ];
    const status = new StatusLine(progress, statusLog, statusLabel);
    if (progress) {
      const selection = cargoBuildArgs({
        manifestPath,
        features: options.features,
        allFeatures: options.allFeatures,
        noDefaultFeatures: options.noDefaultFeatures,
        offline: options.offline,
      });
      void unitEstimate(cwd, env, ['--filter-platform', triple, ...selection]).then((n) => {
        if (n !== undefined) status.setTotal(n);
      });
    }
    const messages: ArtifactMessage[] = [];
    const stray = { count: 0, example: '' };
    const stderrLines: string[] = [];

    const child = spawn('cargo', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number>((done, fail) => {
      child.on('error', fail);
      child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
    });
    const stdoutDone = (async () => {
      for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
        let msg: { reason?: string } | undefined;
        if (line.startsWith('{')) {
          try {
            msg = JSON.parse(line) as { reason?: string };
          } catch {
            msg = undefined;
          }
        }
        if (!msg) {
          // rustc's stdout that is not a type-size line (a proc macro printing, a failed capture): keep count.
          stray.count++;
          stray.example ||= line;
          continue;
        }
        if (msg.reason === 'compiler-artifact') {
          const a = msg as ArtifactMessage;
          messages.push(a);
          status.unitDone(a.target.name);
        }
      }
    })();
    const stderrDone = (async () => {
      for await (const line of createInterface({ input: child.stderr, crlfDelay: Infinity })) {
        stderrLines.push(line);
        if (isCargoStatusLine(line)) continue;
        status.clear();
        log(`${line}\n`);
      }
    })();
    const code = await exited;
    await Promise.all([stdoutDone, stderrDone]);
    status.clear();
    if (code !== 0) {
      throw new CargoBuildError(
        `could not build ${manifestPath ?? cwd} for analysis with ${toolchain.version}${toolchain.bootstrap ? ' and RUSTC_BOOTSTRAP=1' : ''}, ${toolchain.reason} (cargo exited with code ${code})`,
        buildErrorHelp(stderrLines.join('\n'), toolchain),
        stderrLines.join('\n'),
      );
    }

    const members = new Set(meta.members.map((m) => m.id));
    const warnings: string[] = [];
    if (stray.count > 0) {
      warnings.push(
        `${stray.count} line(s) of compiler output on stdout were neither cargo messages nor type sizes; first: ${stray.example}`,
      );
    }
    const crates: CrateOutputs[] = [];
    const artifacts: FinalArtifact[] = [];
    for (const msg of messages) {
      // Build scripts are compiled crates too, but their code never runs in the user's program.
      if (msg.target.kind.includes('custom-build')) continue;
      const member = members.has(msg.package_id);
      if (!member && !options.deps) continue;
      const crateName = msg.target.name.replace(/-/g, '_');
      const unit = findUnit(msg, crateName);
      const pkg = parsePackageId(msg.package_id);
      const out: CrateOutputs = {
        crateName,
        targetName: msg.target.name,
        kind: msg.target.kind,
        crateTypes: msg.target.crate_types,
        packageId: msg.package_id,
        packageName: pkg.name,
        version: pkg.version,
        member,
        manifestDir: dirname(msg.manifest_path),
        srcPath: msg.target.src_path,
        unit: unit?.stem ?? null,
        fresh: msg.fresh,
        mir: [],
        typeSizes: [],
        typeSizesReused: false,
        // Host units sit in <target dir>/<profile>/deps, target units one level deeper under the triple.
        host: buildTarget !== undefined && !!unit && relative(targetDir, unit.outDir).split(sep).length === 2,
      };
      if (out.host) {
        // Nothing to read: see CrateOutputs.host.
      } else if (!unit) {
        warnings.push(
          `cannot find the build outputs of ${crateName} (${msg.package_id}) in ${msg.filenames[0]}`,
        );
      } else {
        const mir = mirDumpDir(captureDir, unit.stem);
        out.mir.push(...mirDumpFiles(mir));
        // An empty dump dir is a crate without fn bodies (macros, re-exports only); a missing one, a dump
        // that did not happen.
        if (!existsSync(mir)) warnings.push(`no MIR was dumped for ${crateName} (expected files in ${mir})`);
        const sizes = join(captureDir, 'type-sizes', `${unit.stem}.txt`);
        if (existsSync(sizes)) {
          out.typeSizes.push(sizes);
          out.typeSizesReused = msg.fresh;
        } else {
          warnings.push(
            `no type sizes were captured for ${crateName} (${unit.stem}${msg.fresh ? ', up to date from an earlier build' : ''}); delete ${targetDir} to rebuild it`,
          );
        }
      }
      crates.push(out);
      artifacts.push(...finalArtifacts(msg, crateName));
    }
    return {
      profile,
      ...(buildTarget ? { target: buildTarget } : {}),
      toolchain,
      workspaceRoot: meta.workspaceRoot,
      targetDir,
      userRustflags: user,
      ...codegenOf(messages, members, user.flags),
      crates,
      artifacts,
      warnings,
      lock,
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** The members' profile settings, from the first member unit cargo reported (they share the profile). */
function codegenOf(
  messages: ArtifactMessage[],
  members: Set<string>,
  rustflags: string[],
): { codegen?: CodegenSettings } {
  const p = messages.find((m) => members.has(m.package_id) && m.profile)?.profile;
  if (!p) return {};
  return {
    codegen: {
      optLevel: p.opt_level,
      debugAssertions: p.debug_assertions,
      overflowChecks: p.overflow_checks,
      rustflags,
    },
  };
}
