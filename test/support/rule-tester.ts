// ESLint-style rule tester: each `valid` snippet must give no finding of the rule, each `invalid` one
// exactly the listed findings (line, column, and message text when given). Snippets are real Rust parsed
// by the real grammar; nothing is mocked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Applicability, Finding } from '../../src/model/finding.ts';
import type { Edition } from '../../src/readers/cargo-edition.ts';
import { loadRustParser } from '../../src/readers/rust-source/parser.ts';
import type { Rule } from '../../src/rules/rule.ts';
import { analyzeFile } from '../../src/scan/analyze-file.ts';

export interface ExpectedFinding {
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Substring the message must contain. */
  message?: string;
  /** Substrings the help must contain. */
  help?: string[];
  item?: string;
  /**
   * The finding's fix: its applicability and substrings its caveat must contain (none: no caveat), or
   * `null` for a finding without a fix.
   */
  fix?: { applicability: Applicability; caveat?: string[] } | null;
}

export interface RuleCases {
  /** `dependencies`: the crate's dependencies as its code names them (default none). */
  valid: { name: string; code: string; dependencies?: string[] }[];
  invalid: { name: string; code: string; findings: ExpectedFinding[]; dependencies?: string[] }[];
}

export async function findingsOf(
  rule: Rule,
  code: string,
  file = 'src/lib.rs',
  edition: Edition = '2021',
  dependencies: readonly string[] = [],
): Promise<Finding[]> {
  const parser = await loadRustParser();
  return analyzeFile(parser, code, file, '', [rule], edition, dependencies).findings;
}

export function ruleTester(rule: Rule, cases: RuleCases): void {
  describe(`rule ${rule.meta.id}`, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, async () => {
        const found = await findingsOf(rule, c.code, undefined, undefined, c.dependencies);
        assert.deepEqual(
          found.map((f) => `${f.line}:${f.column} ${f.message}`),
          [],
          'expected no findings',
        );
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, async () => {
        const found = await findingsOf(rule, c.code, undefined, undefined, c.dependencies);
        assert.equal(
          found.length,
          c.findings.length,
          `finding count; got ${found.map((f) => `${f.line}:${f.column} ${f.message}`).join(' | ')}`,
        );
        c.findings.forEach((want, i) => {
          const got = found[i]!;
          assert.equal(got.rule, rule.meta.id);
          assert.equal(got.severity, rule.meta.defaultLevel);
          assert.equal(got.line, want.line, `line of finding ${i}`);
          if (want.column !== undefined) assert.equal(got.column, want.column, `column of finding ${i}`);
          if (want.endLine !== undefined) assert.equal(got.endLine, want.endLine, `endLine of finding ${i}`);
          if (want.endColumn !== undefined)
            assert.equal(got.endColumn, want.endColumn, `endColumn of finding ${i}`);
          if (want.message) assert.ok(got.message.includes(want.message), `message: ${got.message}`);
          for (const h of want.help ?? []) assert.ok(got.help.includes(h), `help lacks '${h}': ${got.help}`);
          if (want.item) assert.equal(got.item, want.item);
          if (want.fix === null) assert.equal(got.fix, undefined, `finding ${i} has no fix`);
          else if (want.fix) {
            assert.ok(got.fix, `finding ${i} has a fix; help: ${got.help}`);
            assert.equal(got.fix.applicability, want.fix.applicability, `applicability of finding ${i}`);
            if (want.fix.caveat === undefined) assert.equal(got.fix.caveat, undefined, 'no caveat');
            for (const c of want.fix.caveat ?? [])
              assert.ok(got.fix.caveat?.includes(c), `caveat lacks '${c}': ${got.fix.caveat}`);
          }
        });
      });
    }
  });
}
