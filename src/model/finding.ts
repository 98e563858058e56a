import type { SourceSpan, TextEdit } from './source.ts';

export type Severity = 'warning' | 'error';
export type RuleLevel = 'off' | Severity;

/**
 * How sure a fix is to keep the program's behaviour, after rustfix's `Applicability` (clippy's `--fix`
 * applies only machine-applicable suggestions) and ruff's safe and unsafe fixes.
 * `machine-applicable`: the rewrite cannot change what the program does; `fix --write` applies it.
 * `maybe-incorrect`: it may (code moves from the first poll to the call); `fix --write` applies it only
 * with `--allow-eager`, and `caveat` says what changes.
 */
export type Applicability = 'machine-applicable' | 'maybe-incorrect';

/** One diagnostic reported by a rule, with the edits that would fix it when the rule is fixable. */
export interface Finding extends SourceSpan {
  rule: string;
  severity: Severity;
  message: string;
  help: string;
  /** Name of the async item the finding is about (AsyncItem.name). */
  item?: string;
  /** Why a rule that rewrites offers no fix here, when that is not the rewrite's own verdict (syntax errors). */
  noFix?: string;
  /** Present when the rule can rewrite this occurrence; `applicability` says whether that is safe. */
  fix?: {
    description: string;
    applicability: Applicability;
    /** What may change (always set for `maybe-incorrect`), printed in the diff header. */
    caveat?: string;
    edits: TextEdit[];
  };
}
