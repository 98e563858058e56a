// Inline suppressions: a line comment directly above an async item, e.g.
//
//     // asyncbloat: allow(future-size, future-growth) reason = "owns the 4 KiB DMA buffer by design"
//     #[instrument]
//     pub async fn send(...) { ... }
//
// The comment may be separated from the item only by other `//` comments and by attribute lines (`#[...]`);
// a blank line or code ends the search. A reason is mandatory: a suppression without one is a problem that
// `check` reports as a configuration error, like an `[[ignore]]` without reason.

import { didYouMean } from '../did-you-mean.ts';

export interface Suppression {
  /** Budget names (`future-size`, `future-growth`) and rule ids this comment allows. */
  rules: string[];
  reason: string;
  /** 1-based line of the comment. */
  line: number;
}

export interface SuppressionProblem {
  line: number;
  message: string;
}

export interface ItemSuppressions {
  suppressions: Suppression[];
  problems: SuppressionProblem[];
}

const MARKER = /^\/\/+!?\s*asyncbloat\s*:/;
const FULL =
  /^\/\/+!?\s*asyncbloat\s*:\s*allow\s*\(\s*([^)]*?)\s*\)\s*(?:reason\s*=\s*"((?:[^"\\]|\\.)*)")?\s*$/;
const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Reads the suppression comments above the item whose first line is `itemLine` (1-based) in `text`.
 * With `knownNames`, a name outside that list is a problem too (a typo would suppress nothing).
 */
export function readSuppressions(
  text: string,
  itemLine: number,
  knownNames?: readonly string[],
): ItemSuppressions {
  const lines = text.split(/\r?\n/);
  const out: ItemSuppressions = { suppressions: [], problems: [] };
  for (let i = itemLine - 2; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line.startsWith('#[')) continue;
    if (!line.startsWith('//')) break;
    if (!MARKER.test(line)) continue;
    const at = i + 1;
    const m = FULL.exec(line);
    if (!m) {
      out.problems.push({
        line: at,
        message: 'malformed asyncbloat comment; expected `// asyncbloat: allow(RULE, ...) reason = "..."`',
      });
      continue;
    }
    const rules = m[1]!.split(',').map((r) => r.trim());
    const bad = rules.find((r) => !NAME.test(r));
    if (bad !== undefined) {
      out.problems.push({
        line: at,
        message: `'${bad}' is not a rule or budget name (kebab-case, like future-size)`,
      });
      continue;
    }
    const reason = m[2]?.replace(/\\(.)/g, '$1').trim();
    if (!reason) {
      out.problems.push({
        line: at,
        message: `suppression of ${rules.join(', ')} has no reason; add reason = "why this is acceptable"`,
      });
      continue;
    }
    const unknown = knownNames && rules.find((r) => !knownNames.includes(r));
    if (unknown) {
      const guess = didYouMean(unknown, knownNames);
      out.problems.push({
        line: at,
        message: `unknown rule or budget '${unknown}' in suppression${guess ? ` (did you mean '${guess}'?)` : ''}`,
      });
      continue;
    }
    out.suppressions.push({ rules, reason, line: at });
  }
  out.suppressions.reverse();
  out.problems.reverse();
  return out;
}
