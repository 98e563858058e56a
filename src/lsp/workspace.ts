// What the language server knows about the crates of open files: each file's crate (nearest Cargo.toml),
// cargo's target dir for it (where `analyze` keeps its last result), and that result, re-read when the file
// changes on disk. A file's numbers are stale when its text differs from what the analysed build compiled.
import { statSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { type LastResult, lastResultPath, readLastResult, sourceHash } from '../analyze/last-result.ts';
import { workspaceMetadata } from '../cargo/metadata.ts';
import { UserError } from '../errors.ts';
import type { AnalyzedItem } from '../model/report.ts';
import { crateDirOf } from '../scan/walk.ts';

export interface CrateState {
  crateDir: string;
  workspaceRoot: string;
  resultFile: string;
}

export type ResultLookup =
  | { result: LastResult; crate: CrateState }
  | { error: string; help?: string; crate?: CrateState };

export class Workspace {
  private readonly crates = new Map<string, Promise<CrateState>>();
  private readonly results = new Map<string, { mtimeMs: number; result: LastResult }>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The crate of a file, or undefined outside any crate. */
  crateOf(file: string): Promise<CrateState> | undefined {
    const crateDir = crateDirOf(dirname(file));
    if (!crateDir) return undefined;
    let state = this.crates.get(crateDir);
    if (!state) {
      state = workspaceMetadata({
        cwd: crateDir,
        env: this.env,
        manifestPath: `${crateDir}${sep}Cargo.toml`,
      }).then((meta) => ({
        crateDir,
        workspaceRoot: meta.workspaceRoot,
        resultFile: lastResultPath(meta.targetDirectory),
      }));
      // A failed `cargo metadata` (a broken manifest) is asked again next time, not remembered.
      state.catch(() => this.crates.delete(crateDir));
      this.crates.set(crateDir, state);
    }
    return state;
  }

  /** The last analysis result for a file's crate; re-read when the result file changed. */
  async resultFor(file: string): Promise<ResultLookup> {
    const pending = this.crateOf(file);
    if (!pending) return { error: `${file} is not inside a cargo package (no Cargo.toml above it)` };
    let crate: CrateState;
    try {
      crate = await pending;
    } catch (e) {
      return { error: `cargo metadata failed for ${file}: ${(e as Error).message}` };
    }
    let mtimeMs: number;
    try {
      mtimeMs = statSync(crate.resultFile).mtimeMs;
    } catch {
      return {
        error: `no analysis result for this crate yet (${crate.resultFile})`,
        help: 'run `asyncbloat analyze` in the crate, or the `asyncbloat.analyze` command',
        crate,
      };
    }
    const cached = this.results.get(crate.resultFile);
    if (cached?.mtimeMs === mtimeMs) return { result: cached.result, crate };
    try {
      const result = readLastResult(crate.resultFile);
      this.results.set(crate.resultFile, { mtimeMs, result });
      return { result, crate };
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return { error: e.message, ...(e.help ? { help: e.help } : {}), crate };
    }
  }
}

/** A file's path as the report names it (relative to the analysed workspace root, `/`-separated). */
export function reportPath(result: LastResult, file: string): string {
  return relative(result.report.root, file).split(sep).join('/');
}

/** Whether the text differs from what the analysed build compiled. */
export function isStale(result: LastResult, file: string, text: string): boolean {
  const known = result.sources[reportPath(result, file)];
  return known === undefined || known !== sourceHash(text);
}

/** The report's items of one file. */
export function itemsOfFile(result: LastResult, file: string): AnalyzedItem[] {
  const path = reportPath(result, file);
  return result.report.items.filter((i) => i.file === path);
}
