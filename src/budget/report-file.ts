// Reads an `asyncbloat analyze --format json` document from disk for diff/check/--baseline. The checks are
// the ones whose failure would otherwise surface as a crash or a silently wrong diff deep inside.
import { readFileSync } from 'node:fs';
import { errorText, UserError } from '../errors.ts';
import { type AnalysisReport, SCHEMA_VERSION } from '../model/report.ts';

const HELP = 'produce it with `asyncbloat analyze --format json -o FILE`';

/** Parses and validates the text of a report; `file` is only used in error messages. */
export function parseReportJson(text: string, file: string): AnalysisReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UserError(`'${file}' is not valid JSON: ${(e as Error).message}`, HELP);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UserError(`'${file}' is not an asyncbloat analysis report (expected a JSON object)`, HELP);
  }
  const r = doc as Record<string, unknown>;
  if (!('schemaVersion' in r)) {
    throw new UserError(`'${file}' is not an asyncbloat analysis report (no 'schemaVersion')`, HELP);
  }
  if (r.schemaVersion !== SCHEMA_VERSION) {
    throw new UserError(
      `'${file}' has schemaVersion ${JSON.stringify(r.schemaVersion)}, this asyncbloat reads version ${SCHEMA_VERSION}`,
      're-run `asyncbloat analyze --format json` with this version of asyncbloat on both sides',
    );
  }
  if (!Array.isArray(r.items)) {
    throw new UserError(`'${file}' is not an analysis report: 'items' is missing or not an array`, HELP);
  }
  const build = r.build as Record<string, unknown> | undefined;
  if (typeof build !== 'object' || build === null || typeof build.profile !== 'string') {
    throw new UserError(`'${file}' is not an analysis report: 'build.profile' is missing`, HELP);
  }
  r.items.forEach((item: unknown, i: number) => {
    const it = item as Record<string, unknown> | null;
    const bad = ['name', 'crate', 'kind'].find((k) => typeof it?.[k] !== 'string');
    if (bad) throw new UserError(`'${file}': items[${i}] has no string '${bad}'`, HELP);
    for (const k of ['heldAcrossAwait', 'children', 'findings', 'layouts']) {
      if (!Array.isArray(it?.[k])) throw new UserError(`'${file}': items[${i}] has no array '${k}'`, HELP);
    }
  });
  return doc as AnalysisReport;
}

export function readReportFile(file: string): AnalysisReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read report '${file}': ${errorText(e)}`, HELP);
  }
  return parseReportJson(text, file);
}
