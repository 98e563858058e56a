// The rule registry: every rule asyncbloat knows, by id. Each rule is a folder: `rule.ts` (its metadata and
// check) and `rewrite.ts` (its fix), with the rewrite helpers they share beside them (rewrite-common.ts,
// effects.ts, syntax.ts). Add a rule by adding its folder and a line here.
import { branchWrapper } from './branch-wrapper/rule.ts';
import { duplicateArmAwaits } from './duplicate-arm-awaits/rule.ts';
import { noAwait } from './no-await/rule.ts';
import type { Rule } from './rule.ts';
import { singleAwaitWrapper } from './single-await-wrapper/rule.ts';

export type { Report, Rule, RuleContext, RuleMeta } from './rule.ts';

export const RULES: readonly Rule[] = [noAwait, duplicateArmAwaits, singleAwaitWrapper, branchWrapper];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
