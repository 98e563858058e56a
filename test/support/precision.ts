// Precision and recall of the rules on a labelled corpus: expectations.json names, per file and async item,
// the rules that must report it; every other (item, rule) pair must get no finding.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from '../../src/scan/index.ts';

export interface RuleScore {
  rule: string;
  truePositives: number;
  falsePositives: string[];
  falseNegatives: string[];
  precision: number;
  recall: number;
}

export async function scoreCorpus(dir: string): Promise<RuleScore[]> {
  const expected = JSON.parse(readFileSync(join(dir, 'expectations.json'), 'utf8')) as Record<
    string,
    Record<string, string[]>
  >;
  const report = await scan(dir, { cache: false, threads: 0 });
  const want = new Set<string>();
  for (const [file, items] of Object.entries(expected))
    for (const [item, rules] of Object.entries(items))
      for (const r of rules) want.add(`${r}\0${file}\0${item}`);
  const got = new Set(report.findings.map((f) => `${f.rule}\0${f.file}\0${f.item ?? ''}`));
  const rules = [...new Set([...want, ...got].map((k) => k.split('\0')[0]!))].sort();
  return rules.map((rule) => {
    const w = [...want].filter((k) => k.startsWith(`${rule}\0`));
    const g = [...got].filter((k) => k.startsWith(`${rule}\0`));
    const tp = g.filter((k) => want.has(k)).length;
    const show = (k: string) => k.split('\0').slice(1).join(' ');
    return {
      rule,
      truePositives: tp,
      falsePositives: g.filter((k) => !want.has(k)).map(show),
      falseNegatives: w.filter((k) => !got.has(k)).map(show),
      precision: g.length === 0 ? 1 : tp / g.length,
      recall: w.length === 0 ? 1 : tp / w.length,
    };
  });
}
