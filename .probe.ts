import { scan } from './src/scan/index.ts';
const t0 = performance.now();
const r = await scan(process.argv[2]!, { cache: process.argv[3] !== 'nocache' });
console.log((performance.now() - t0).toFixed(0), 'ms', r.items.length, 'items', r.findings.length, 'findings', JSON.stringify({ ...r.stats, filesWithParseErrors: r.stats.filesWithParseErrors.length }));
const byRule: Record<string, number> = {}; for (const f of r.findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1; console.log(byRule);
