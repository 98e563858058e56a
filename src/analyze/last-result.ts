// The last `analyze` result, kept under the target dir (`<target>/asyncbloat/last-analyze.json`) for the
// language server and as `diff`'s default base. With it go the hashes of the source files its items are in:
// a file changed since is marked stale, never shown with another version's numbers as current. Written
// atomically (temp file + rename), so a reader never sees half a file; a failure to write is a warning.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../atomic-file.ts';
import { UserError } from '../errors.ts';
import { type AnalysisReport, SCHEMA_VERSION } from '../model/report.ts';

export const LAST_RESULT_FILE = 'last-analyze.json';

export interface LastResult {
  kind: 'asyncbloat-last-analyze';
  /** When the analysis ran (ISO 8601). */
  savedAt: string;
  /** SHA-256 of each source file with an item, by its report path. */
  sources: Record<string, string>;
  report: AnalysisReport;
}

export function sourceHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where the last result of a workspace lives, from cargo's target dir. */
export function lastResultPath(targetDirectory: string): string {
  return join(targetDirectory, 'asyncbloat', LAST_RESULT_FILE);
}

/** Writes the result with its sources' hashes; returns the file, or an error message (a warning). */
export function saveLastResult(
  report: AnalysisReport,
  asyncbloatDir: string,
): { file: string } | { error: string } {
  const sources: Record<string, string> = {};
  for (const file of new Set(report.items.flatMap((i) => (i.file ? [i.file] : [])))) {
    try {
      sources[file] = sourceHash(readFileSync(resolve(report.root, file)));
    } catch {
      // A file gone since the build: no hash, so it reads as changed.
    }
  }
  const file = join(asyncbloatDir, LAST_RESULT_FILE);
  const doc: LastResult = {
    kind: 'asyncbloat-last-analyze',
    savedAt: new Date().toISOString(),
    sources,
    report,
  };
  try {
    writeFileAtomic(file, `${JSON.stringify(doc)}\n`);
    return { file };
  } catch (e) {
    return { error: `could not keep the result in ${file}: ${(e as Error).message}` };
  }
}

/** Reads a last-result file; one that is not says what it is and what to do. */
export function readLastResult(file: string): LastResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `no analysis result yet (${file})` : `cannot read ${file}: ${code ?? e}`,
      'run `asyncbloat analyze` on the crate (or the `asyncbloat.analyze` command) to make one',
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${file} is not valid JSON (${(e as Error).message})`,
      'run `asyncbloat analyze` again to rewrite it',
    );
  }
  const d = doc as Partial<LastResult>;
  if (
    d?.kind !== 'asyncbloat-last-analyze' ||
    typeof d.sources !== 'object' ||
    !Array.isArray(d.report?.items)
  )
    throw new UserError(
      `${file} is not an asyncbloat analysis result`,
      'run `asyncbloat analyze` again to rewrite it',
    );
  if (d.report.schemaVersion !== SCHEMA_VERSION)
    throw new UserError(
      `${file} was written by another asyncbloat version (schema ${d.report.schemaVersion}, this one reads ${SCHEMA_VERSION})`,
      'run `asyncbloat analyze` again',
    );
  return d as LastResult;
}
