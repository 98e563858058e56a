// The rule registry: every rule asyncbloat knows, by id. Add a rule by adding its module here.
import { duplicateArmAwaits } from './duplicate-arm-awaits.ts';
import { noAwait } from './no-await.ts';
import type { Rule } from './rule.ts';
import { singleAwaitWrapper } from './single-await-wrapper.ts';

export type { Report, Rule, RuleContext, RuleMeta } from './rule.ts';

export const RULES: readonly Rule[] = [noAwait, duplicateArmAwaits, singleAwaitWrapper];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
