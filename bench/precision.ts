// Benchmark: the rules' precision and recall on the labelled corpus (test/fixtures/precision: excerpts of
// Debian's crates and the patterns of the rules issue, each item labelled), and how many findings each rule
// reports on Debian's whole crate registry against how many async items it has, in the same run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scan } from '../src/scan/index.ts';
import { scoreCorpus } from '../test/support/precision.ts';

export async function run(): Promise<void> {
  const corpus = fileURLToPath(new URL('../test/fixtures/precision/', import.meta.url));
  for (const s of await scoreCorpus(corpus)) {
    console.log(
      `  ${s.rule.padEnd(22)} precision ${(s.precision * 100).toFixed(0)} %, recall ${(s.recall * 100).toFixed(0)} % (${s.truePositives} expected findings; ${s.falsePositives.length} false positives, ${s.falseNegatives.length} missed)`,
    );
    for (const fp of s.falsePositives) console.log(`    false positive: ${fp}`);
    for (const fn of s.falseNegatives) console.log(`    missed: ${fn}`);
  }
  const registry = '/usr/share/cargo/registry';
  if (!existsSync(registry)) return;
  const start = performance.now();
  const r = await scan(registry, { cache: false });
  const perRule = new Map<string, number>();
  for (const f of r.findings) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
  console.log(
    `  Debian registry: ${r.items.length} async items, findings ${[...perRule].map(([k, n]) => `${k} ${n}`).join(', ')} (${((performance.now() - start) / 1000).toFixed(1)} s, unlabelled)`,
  );
}
