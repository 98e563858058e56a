// A speed change must not change what `scan` reports (issue #17). test/fixtures/corpus holds 372 real files
// of four crates (hyper, tokio-util, futures-util, three modules of tokio, as Debian packages them); its
// expected-scan.json is the
// JSON `scan --format json` wrote for them. Every run compares byte for byte, in worker threads and in this
// thread. A rule that changes its results on purpose regenerates the file in its own commit:
// UPDATE_GOLDEN=1 node scripts/run-tests.mjs corpus-golden
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanReportJson } from '../../src/report/json.ts';
import { scan } from '../../src/scan/index.ts';

const CORPUS = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url)).replace(/\/$/, '');
const GOLDEN = `${CORPUS}/expected-scan.json`;

async function corpusJson(threads: number): Promise<string> {
  const report = await scan(CORPUS, { cache: false, threads });
  const json = scanReportJson({
    ...report,
    root: '<corpus>',
    tool: { ...report.tool, version: '<version>' },
  });
  // Absolute paths in messages (none expected) would tie the file to one checkout.
  assert.ok(!json.includes(CORPUS), 'the corpus JSON names the checkout directory');
  return json;
}

function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const k = x.findIndex((l, i) => l !== y[i]);
  return `first difference at line ${k + 1}:\n  expected: ${y[k]}\n  actual:   ${x[k]}`;
}

describe('scan of the in-repository corpus', () => {
  it('is byte-identical to expected-scan.json, in worker threads and in-process', async () => {
    const threaded = await corpusJson(2);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, threaded);
    const expected = readFileSync(GOLDEN, 'utf8');
    assert.ok(threaded === expected, firstDifference(threaded, expected));
    const inProcess = await corpusJson(0);
    assert.ok(inProcess === expected, firstDifference(inProcess, expected));
    // The corpus is what it says: every file read, async code in each crate.
    const doc = JSON.parse(expected) as { stats: { filesScanned: number }; items: { file: string }[] };
    assert.equal(doc.stats.filesScanned, 372);
    for (const crate of ['hyper-0.14.19', 'tokio-util-0.7.3', 'tokio-1.24.2'])
      assert.ok(
        doc.items.some((i) => i.file.startsWith(`${crate}/`)),
        crate,
      );
  });
});
