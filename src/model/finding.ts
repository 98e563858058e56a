import type { SourceSpan, TextEdit } from './source.ts';

export type Severity = 'warning' | 'error';
export type RuleLevel = 'off' | Severity;

/** One diagnostic reported by a rule, with the edits that would fix it when the rule is fixable. */
export interface Finding extends SourceSpan {
  rule: string;
  severity: Severity;
  message: string;
  help: string;
  /** Name of the async item the finding is about (AsyncItem.name). */
  item?: string;
  /** Present when the rule can fix this occurrence safely. */
  fix?: {
    description: string;
    /** Caveat printed in the diff header, e.g. the laziness change. */
    caveat?: string;
    edits: TextEdit[];
  };
}
