// Crate code is untrusted: item names, type names, messages, paths and source text that look like markup must
// reach the page as text. Checked on the file itself and in Chromium (nothing runs, nothing is requested).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AnalysisReport } from '../../src/model/report.ts';
import { renderHtml } from '../../src/report/html/render.ts';
import { has, need } from '../support/require.ts';
import { launch, openReport } from './browser.ts';
import { analysisReport } from './sample-reports.ts';

const EVIL = [
  '<script>window.__pwned = 1</script>',
  '"><img src=x onerror="window.__pwned = 2">',
  "'</style><script>window.__pwned = 3</script>",
  '</script><script>window.__pwned = 4</script><!--',
  '<svg onload="window.__pwned = 5"></svg>\u2028\u2029&amp;',
];
const NAME = `evil::${EVIL.join('')}`;
const FILE = 'src/<b>evil</b>.rs';
const SOURCE = [
  `async fn evil() { // ${EVIL[0]}`,
  `    let s = "${EVIL[3]}";`,
  `    x.await; // ${EVIL[1]}`,
  `    y.await; /* ${EVIL[2]} */`,
  '}',
  '',
].join('\n');

function evilReport(): AnalysisReport {
  const r = analysisReport();
  const send = r.items[1]!;
  r.root = `/tmp/${EVIL[2]}`;
  r.crates[0]!.name = EVIL[3]!;
  r.build.toolchain = EVIL[4]!;
  send.name = NAME;
  send.file = FILE;
  send.line = 1;
  send.column = 17;
  send.children[0]!.typeName = `{async fn body of ${EVIL[0]}}`;
  send.children[0]!.item = undefined;
  send.layouts[0]!.typeName = EVIL[1]!;
  send.layouts[0]!.states[1]!.fields[1]!.name = EVIL[2]!;
  send.layouts[0]!.states[1]!.name = EVIL[4]!;
  for (const f of send.findings) {
    f.rule = `rule-${EVIL[1]}`;
    f.message = `\`${EVIL[0]}\` ${EVIL[3]}`;
    f.help = EVIL[2]!;
    f.file = FILE;
    if (f.fix) f.fix.edits = [{ file: FILE, start: 0, end: 5, text: EVIL[3]! }];
  }
  r.items[0]!.children[0]!.item = NAME;
  r.unparsed[0]!.example = EVIL[3]!;
  return r;
}

const html = renderHtml(evilReport(), { readSource: (f) => (f === FILE ? SOURCE : undefined) });

test('markup in names, paths and source does not end or open elements in the file', () => {
  // Exactly the page's own elements: the data block and the script; one stylesheet.
  assert.equal(html.match(/<script/gi)?.length, 2);
  assert.equal(html.match(/<\/script/gi)?.length, 2);
  assert.equal(html.match(/<\/style/gi)?.length, 1);
  assert.equal(html.match(/<!--/g), null);
  assert.doesNotMatch(html, /<img|<svg onload|\u2028|\u2029/);
  // The title is HTML-escaped text.
  assert.match(html, /<title>asyncbloat — &lt;\/script&gt;&lt;script&gt;/);
});

let browser: ReturnType<typeof launch> | undefined;
after(async () => {
  if (browser) await (await browser).close();
});

test('in chromium the hostile strings render as text and no script runs', async (t) => {
  if (!need(t, 'chromium', has.chromium())) return;
  const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-evil-'));
  const file = join(dir, 'evil.html');
  writeFileSync(file, html);
  browser = launch();
  const { ctx } = await browser;
  const r = await openReport(ctx, file);
  const { page } = r;
  const row = page.locator('table.items tbody td.name', { hasText: 'evil::' });
  assert.equal(await row.textContent(), NAME);
  await row.click();
  const detail = page.locator('article.detail');
  assert.equal(await detail.locator('h2').textContent(), NAME);
  assert.equal(
    await detail.locator('pre.source').textContent(),
    `${SOURCE.trimEnd()
      .split('\n')
      .map((l, k) => `${k + 1}${l}\n`)
      .join('')}`,
  );
  assert.deepEqual(await detail.locator('mark.await').allTextContents(), ['.await', '.await']);
  assert.match(
    (await detail.locator('svg.layout-bars').textContent()) ?? '',
    /<\/style><script>window.__pwned = 3<\/script>/,
  );
  assert.match(
    (await detail.locator('.finding .message code').first().textContent()) ?? '',
    /^<script>window.__pwned = 1<\/script>$/,
  );
  assert.match(
    (await detail.locator('pre.diff').textContent()) ?? '',
    /\+<\/script><script>window.__pwned = 4<\/script><!--/,
  );
  assert.equal(await page.locator('h1').textContent(), `asyncbloat — ${EVIL[3]}`);
  assert.ok((await page.locator('svg.treemap title').allTextContents()).some((s) => s.startsWith(NAME)));
  // Nothing ran and no element was created from the data.
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('script').count(), 2);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.requests, [page.url().replace(/#.*/, '')]); // the hash follows the open item
  await r.close();
});
