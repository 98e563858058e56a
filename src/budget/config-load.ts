// Finds the budgets for a crate or workspace on disk (see the precedence at the top of config.ts and in
// docs/ci.md) and layers package settings over workspace settings. `loadCheckConfig` adds, as cargo does for
// its own settings, the configuration of every workspace member, so that `check` at the workspace root (or
// with `-p`) applies a member's `[package.metadata.asyncbloat]` to that member's items.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { type WorkspaceMetadata, workspaceMetadata } from '../cargo/metadata.ts';
import { UserError } from '../errors.ts';
import { pathInside } from '../paths.ts';
import {
  type BudgetConfig,
  cargoTable,
  emptyConfig,
  isTable,
  layerConfigs,
  parseConfigText,
  parseToml,
  readText,
} from './config.ts';
import type { MemberConfig } from './members.ts';

/** The Cargo.toml of the workspace `crateDir` belongs to: the nearest ancestor with a `[workspace]` table. */
function workspaceRoot(crateDir: string): string | undefined {
  for (let dir = dirname(crateDir); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'Cargo.toml');
    if (!existsSync(manifest)) continue;
    const doc = parseToml(readText(manifest), manifest);
    if (isTable(doc.workspace)) return manifest;
  }
  return undefined;
}

/** `asyncbloat.toml` beside a Cargo.toml that has asyncbloat metadata too is an error: they are never merged. */
function rejectTwoConfigs(own: string, manifestConfig: BudgetConfig | undefined): void {
  if (manifestConfig && manifestConfig.sources.length > 0) {
    throw new UserError(
      `asyncbloat is configured twice: in ${own} and in ${manifestConfig.sources.join(', ')}`,
      'keep one of them; asyncbloat.toml and Cargo.toml metadata are not merged',
    );
  }
}

/**
 * The workspace's own configuration, which members inherit: the `asyncbloat.toml` next to the workspace's
 * Cargo.toml when there is one, else that Cargo.toml's `[workspace.metadata.asyncbloat]`.
 */
function workspaceConfig(manifest: string): BudgetConfig | undefined {
  const text = readText(manifest);
  const own = join(dirname(manifest), 'asyncbloat.toml');
  if (existsSync(own)) {
    rejectTwoConfigs(own, parseConfigText(text, manifest));
    return parseConfigText(readText(own), own);
  }
  return cargoTable(parseToml(text, manifest), text, manifest, 'workspace.metadata.asyncbloat');
}

/** Finds and reads the budgets for the crate or workspace at `dir` (precedence: top of config.ts, docs/ci.md). */
export function loadBudgetConfig(dir: string, configFile?: string): BudgetConfig {
  if (configFile) return parseConfigText(readText(configFile), configFile);
  // Paths stay as the user wrote them (relative stays relative) so messages match what they typed.
  const manifest = join(dir, 'Cargo.toml');
  const own = join(dir, 'asyncbloat.toml');
  const manifestText = existsSync(manifest) ? readText(manifest) : undefined;
  const manifestConfig = manifestText === undefined ? undefined : parseConfigText(manifestText, manifest);
  if (existsSync(own)) {
    rejectTwoConfigs(own, manifestConfig);
    return parseConfigText(readText(own), own);
  }
  let config = manifestConfig ?? emptyConfig();
  const manifestDoc = manifestText === undefined ? {} : parseToml(manifestText, manifest);
  if (!isTable(manifestDoc.workspace)) {
    const ws = workspaceRoot(resolve(dir));
    const wsConfig = ws ? workspaceConfig(shortPath(ws)) : undefined;
    if (wsConfig) config = layerConfigs(config, wsConfig);
  }
  return config;
}

/** Relative to the working directory when inside it (as the user would type it), else absolute. */
function shortPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r === '' ? '.' : r.startsWith('..') || isAbsolute(r) ? p : r;
}

export interface CheckConfig {
  /** The configuration of PATH: applies to every item that belongs to no workspace member (or to all of them). */
  config: BudgetConfig;
  /** Every workspace member with the configuration `check MEMBER_DIR` would use; empty outside a workspace. */
  members: MemberConfig[];
  /** Configuration that could not be read, said instead of skipped. */
  notes: string[];
}

export interface CheckConfigOptions {
  configFile?: string;
  manifestPath?: string;
  offline?: boolean;
  /** For tests: where the member list comes from (default: `cargo metadata --no-deps`). */
  metadata?: (dir: string) => Promise<WorkspaceMetadata>;
}

/** True when `dir` is inside a cargo workspace (its own Cargo.toml has `[workspace]`, or an ancestor's has). */
function inWorkspace(dir: string): boolean {
  const manifest = join(dir, 'Cargo.toml');
  if (existsSync(manifest) && isTable(parseToml(readText(manifest), manifest).workspace)) return true;
  return workspaceRoot(resolve(dir)) !== undefined;
}

/**
 * The configuration `check` applies: PATH's (loadBudgetConfig) and, in a workspace, each member's, read the
 * same way as for `check MEMBER_DIR`. `--config FILE` is the only configuration when given. Members come from
 * `cargo metadata --no-deps`; when cargo cannot list them, a note says that their configuration was not read.
 */
export async function loadCheckConfig(dir: string, options: CheckConfigOptions = {}): Promise<CheckConfig> {
  const config = loadBudgetConfig(dir, options.configFile);
  if (options.configFile || !inWorkspace(dir)) return { config, members: [], notes: [] };
  let meta: WorkspaceMetadata;
  try {
    meta = await (options.metadata ?? defaultMetadata(options))(dir);
  } catch (e) {
    // cargo's first line says what is wrong; its "Caused by" chain would swamp the note.
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
    return {
      config,
      members: [],
      notes: [
        `the workspace members could not be listed (${why}); only the configuration of ${dir} was applied, members' own [package.metadata.asyncbloat] and asyncbloat.toml were not read`,
      ],
    };
  }
  const members = meta.members.map((p): MemberConfig => {
    const memberDir = dirname(p.manifestPath);
    const short = shortPath(memberDir);
    const memberConfig = resolve(short) === resolve(dir) ? config : loadBudgetConfig(short);
    const rel = pathInside(meta.workspaceRoot, memberDir) ?? '';
    return {
      package: p.name,
      dir: rel,
      crates: [...new Set(p.targets.map((t) => t.name.replace(/-/g, '_')))],
      config: memberConfig,
      own: hasOwnConfig(short, rel === ''),
    };
  });
  return { config, members, notes: [] };
}

/**
 * Whether a member has settings of its own rather than only the workspace's: an asyncbloat.toml (the one in
 * the workspace root is the workspace's) or `[package.metadata.asyncbloat]`.
 */
function hasOwnConfig(memberDir: string, isRoot: boolean): boolean {
  if (!isRoot && existsSync(join(memberDir, 'asyncbloat.toml'))) return true;
  const manifest = join(memberDir, 'Cargo.toml');
  const pkg = parseToml(readText(manifest), manifest).package;
  return isTable(pkg) && isTable(pkg.metadata) && pkg.metadata.asyncbloat !== undefined;
}

function defaultMetadata(options: CheckConfigOptions) {
  return (dir: string) =>
    workspaceMetadata({
      cwd: dir,
      env: process.env,
      // Absolute: cargo runs in `dir`, which is already the manifest's directory.
      ...(options.manifestPath ? { manifestPath: resolve(options.manifestPath) } : {}),
      ...(options.offline ? { offline: true } : {}),
    });
}
