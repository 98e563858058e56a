// `cargo metadata --no-deps`: the workspace root, its members and the target directory, which is all the
// build driver needs before building (dependencies are learnt from the build's own messages).
import { execFile } from 'node:child_process';
import { UserError } from '../errors.ts';

export interface WorkspaceTarget {
  name: string;
  kind: string[];
  crateTypes: string[];
  srcPath: string;
}

export interface WorkspacePackage {
  id: string;
  name: string;
  version: string;
  manifestPath: string;
  targets: WorkspaceTarget[];
  features: string[];
}

export interface WorkspaceMetadata {
  workspaceRoot: string;
  targetDirectory: string;
  members: WorkspacePackage[];
}

interface RawMetadata {
  workspace_root: string;
  target_directory: string;
  workspace_members: string[];
  packages: {
    id: string;
    name: string;
    version: string;
    manifest_path: string;
    features: Record<string, string[]>;
    targets: { name: string; kind: string[]; crate_types: string[]; src_path: string }[];
  }[];
}

/** Turns `cargo metadata` JSON into the fields we use; throws on a shape we do not know. */
export function parseMetadata(json: string): WorkspaceMetadata {
  const raw = JSON.parse(json) as RawMetadata;
  if (typeof raw.workspace_root !== 'string' || !Array.isArray(raw.packages)) {
    throw new Error('unexpected `cargo metadata` output: no workspace_root/packages');
  }
  const members = new Set(raw.workspace_members);
  return {
    workspaceRoot: raw.workspace_root,
    targetDirectory: raw.target_directory,
    members: raw.packages
      .filter((p) => members.has(p.id))
      .map((p) => ({
        id: p.id,
        name: p.name,
        version: p.version,
        manifestPath: p.manifest_path,
        features: Object.keys(p.features ?? {}),
        targets: p.targets.map((t) => ({
          name: t.name,
          kind: t.kind,
          crateTypes: t.crate_types,
          srcPath: t.src_path,
        })),
      })),
  };
}

export interface MetadataQuery {
  cwd: string;
  env: NodeJS.ProcessEnv;
  manifestPath?: string;
  offline?: boolean;
}

export function workspaceMetadata(q: MetadataQuery): Promise<WorkspaceMetadata> {
  const args = ['metadata', '--format-version', '1', '--no-deps'];
  if (q.manifestPath) args.push('--manifest-path', q.manifestPath);
  if (q.offline) args.push('--offline');
  return new Promise((resolve, reject) => {
    execFile(
      'cargo',
      args,
      { cwd: q.cwd, env: q.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const message = stderr.trim().replace(/^error: /, '') || error.message;
          reject(
            new UserError(
              `cannot read the cargo workspace at ${q.manifestPath ?? q.cwd}: ${message}`,
              'run asyncbloat inside a Rust crate or workspace, or pass --manifest-path path/to/Cargo.toml',
            ),
          );
          return;
        }
        try {
          resolve(parseMetadata(stdout));
        } catch (e) {
          reject(e);
        }
      },
    );
  });
}
