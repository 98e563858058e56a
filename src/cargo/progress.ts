// The one-line build status shown on a terminal instead of cargo's "Compiling ..." lines. cargo's JSON
// messages say when a unit is done but not how many there will be, so the total is estimated from the
// resolved dependency graph (one unit per package, plus build scripts, plus extra member targets).
import { execFile } from 'node:child_process';

export class StatusLine {
  private shown = false;
  private done = 0;
  private total: number | undefined;

  constructor(
    private readonly enabled: boolean,
    private readonly write: (s: string) => void,
    private readonly label = 'asyncbloat analysis build',
  ) {}

  setTotal(total: number): void {
    this.total = total;
  }

  /** A unit finished: redraw `Compiled N/M name`. */
  unitDone(name: string): void {
    this.done++;
    if (!this.enabled) return;
    const of = this.total !== undefined ? `/${Math.max(this.total, this.done)}` : '';
    this.write(`\r\x1b[2K    Compiled ${this.done}${of} ${name} (${this.label})`);
    this.shown = true;
  }

  /** Removes the line, before other output or at the end. */
  clear(): void {
    if (!this.shown) return;
    this.write('\r\x1b[2K');
    this.shown = false;
  }
}

interface FullMetadata {
  packages: { id: string; targets: { kind: string[] }[] }[];
  workspace_members: string[];
  resolve: { nodes: { id: string }[] } | null;
}

/** Estimates how many compiler-artifact messages a build will produce; undefined when unknown. */
export function estimateUnits(json: string): number | undefined {
  const meta = JSON.parse(json) as FullMetadata;
  if (!meta.resolve) return undefined;
  const members = new Set(meta.workspace_members);
  const byId = new Map(meta.packages.map((p) => [p.id, p]));
  let units = 0;
  for (const node of meta.resolve.nodes) {
    const pkg = byId.get(node.id);
    if (!pkg) continue;
    const kinds = pkg.targets.map((t) => t.kind[0]);
    if (kinds.includes('custom-build')) units++;
    // Dependencies contribute their library; members every lib and bin target.
    units += members.has(node.id)
      ? kinds.filter((k) => k !== 'custom-build' && k !== 'test' && k !== 'bench' && k !== 'example').length
      : 1;
  }
  return units;
}

/** Runs the full `cargo metadata` for the estimate; resolves undefined on any failure (it is only cosmetic). */
export function unitEstimate(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(
      'cargo',
      ['metadata', '--format-version', '1', ...args],
      { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout) => {
        if (error) return resolve(undefined);
        try {
          resolve(estimateUnits(stdout));
        } catch {
          resolve(undefined);
        }
      },
    );
  });
}
