// `--rule ID` / `--no-rule ID`, shared by every command that runs the source rules.
import type { Command } from 'commander';
import { RULES } from '../rules/index.ts';

// commander files `--no-rule` under the same key as `--rule` (it reads `--no-` as negation), so both
// parsers append to one list and mark which flag each id came from.
const signed = (sign: '+' | '-') => (value: string, previous: unknown) => [
  ...(Array.isArray(previous) ? previous : []),
  `${sign}${value}`,
];

export function addRuleFlags(cmd: Command): Command {
  return cmd
    .option('--rule <id>', 'run only this rule (repeatable)', signed('+'))
    .option('--no-rule <id>', 'do not run this rule (repeatable)', signed('-'))
    .addHelpText(
      'after',
      `\nRules:\n${RULES.map((r) => `  ${r.meta.id.padEnd(22)} ${r.meta.description}`).join('\n')}`,
    );
}

/** The parsed `rule` option → the scan's rule selection. */
export function ruleSelection(flags: string[] | undefined): { rules: string[]; disable: string[] } {
  const list = flags ?? [];
  return {
    rules: list.filter((f) => f.startsWith('+')).map((f) => f.slice(1)),
    disable: list.filter((f) => f.startsWith('-')).map((f) => f.slice(1)),
  };
}
