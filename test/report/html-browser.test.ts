// The HTML report in a real headless Chromium: renders without errors or network, treemap and table draw,
// sorting/filtering work, the detail view shows the state diagram, layout bars and the fix diff.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderHtml } from '../../src/report/html/render.ts';
import { has, need } from '../support/require.ts';
import { launch, openReport } from './browser.ts';
import {
  analysisReport,
  RULES,
  readSample,
  scanReport,
  WORKSPACE_SOURCES,
  workspaceReport,
} from './sample-reports.ts';

const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-html-'));
let browser: ReturnType<typeof launch> | undefined;
const getBrowser = () => {
  browser ??= launch();
  return browser;
};
after(async () => {
  if (browser) await (await browser).close();
});

function write(name: string, html: string): string {
  const file = join(dir, name);
  writeFileSync(file, html);
  return file;
}

/**
 * Runs in the page: every treemap label's box, its overlaps with other labels, and its contrast against the
 * rectangle it is drawn on. A string, not a function: tsx's `__name` helper does not exist in the page.
 */
const TREEMAP_LABEL_CHECK = `(() => {
  const out = [];
  const lum = (h) => {
    const v = [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const texts = [...document.querySelectorAll('svg.treemap text:not(.empty)')];
  const boxes = texts.map((t) => t.getBoundingClientRect());
  texts.forEach((t, k) => {
    const own = t.parentElement.querySelector(':scope > rect');
    if (!inside(boxes[k], own.getBoundingClientRect())) out.push('"' + t.textContent + '" leaves its box');
    const c = ratio((t.getAttribute('fill') || '#ffffff').toLowerCase(), own.getAttribute('fill').toLowerCase());
    if (c < 4.5) out.push('"' + t.textContent + '" has contrast ' + c.toFixed(2));
    for (let j = 0; j < k; j++) if (meet(boxes[k], boxes[j])) out.push('"' + t.textContent + '" overlaps "' + texts[j].textContent + '"');
  });
  return { out, count: texts.length };
})()`;

describe('html report in chromium', () => {
  test('analysis report: renders, no errors, no network, treemap + table + detail', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const file = write(
      'analysis.html',
      renderHtml(analysisReport(), { readSource: readSample, rules: RULES }),
    );
    const { ctx } = await getBrowser();
    const r = await openReport(ctx, file);
    const { page } = r;

    // Summary: item count and per-rule findings (descriptions come from the rule metadata).
    assert.equal(await page.locator('.card .value').first().textContent(), '20');
    assert.equal(await page.locator('table.rules tbody tr').count(), 2);
    assert.match((await page.locator('table.rules').textContent()) ?? '', /A large local held across an/);
    // The unparsed MIR line is reported, not dropped.
    assert.match(
      (await page.locator('.notice').textContent()) ?? '',
      /2 line\(s\) of MIR could not be parsed/,
    );

    // Treemap: one top-level cell per future nobody awaits (send/flush/fetch sit inside main's async block).
    const topCells = await page.locator('svg.treemap > g.cell').count();
    assert.equal(topCells, 16);
    const box = await page.locator('svg.treemap > g.cell').first().boundingBox();
    assert.ok(box && box.width > 50 && box.height > 50, 'largest cell is drawn large');

    // Table: all rows; default sort is future size, largest first.
    const names = () => page.locator('table.items tbody td.name').allTextContents();
    assert.equal((await names()).length, 20);
    assert.equal((await names())[0], 'main::{async block}');
    await page.locator('th[data-key="name"] button').click();
    const byName = await names();
    assert.deepEqual(
      byName,
      [...byName].sort((a, b) => a.localeCompare(b)),
    );
    assert.equal(await page.locator('th[data-key="name"]').getAttribute('aria-sort'), 'ascending');
    await page.locator('th[data-key="name"] button').click();
    assert.equal((await names())[0], 'tokio::select::{async block#3}');
    await page.locator('th[data-key="futureBytes"] button').click();
    await page.locator('th[data-key="futureBytes"] button').click();
    assert.equal((await names())[0], 'handlers::h0', 'ascending by size: the smallest known size first');
    assert.equal((await names()).at(-1), 'config::load', 'an unknown size sorts last, also when ascending');
    await page.locator('th[data-key="futureBytes"] button').click();
    assert.equal((await names()).at(-1), 'config::load', 'an unknown size sorts last when descending');

    // Filtering by text and by kind.
    await page.locator('input.filter').fill('radio');
    assert.deepEqual((await names()).sort(), ['radio::Radio::flush', 'radio::Radio::send']);
    assert.equal(await page.locator('.shown').textContent(), '2 of 20 items');
    await page.locator('input.filter').fill('');
    await page.locator('select.kind-filter').selectOption('async-block');
    assert.deepEqual((await names()).sort(), ['main::{async block}', 'tokio::select::{async block#3}']);
    await page.locator('select.kind-filter').selectOption('');

    // Detail view: source with awaits marked, state diagram, layout bars, fix diff.
    await page.locator('table.items tbody tr', { hasText: 'radio::Radio::send' }).click();
    const detail = page.locator('article.detail');
    assert.equal(await detail.locator('h2').textContent(), 'radio::Radio::send');
    // Its fix is maybe-incorrect: the page says `fix --write` leaves it out, and why.
    assert.match(
      (await detail.locator('p.caveat').first().textContent()) ?? '',
      /^Maybe incorrect: `asyncbloat fix --write` leaves it out unless --allow-eager\. adds one heap allocation/,
    );
    assert.deepEqual(await detail.locator('mark.await').allTextContents(), ['.await', '.await']);
    assert.deepEqual(
      await detail
        .locator('pre.source .line.awaits')
        .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-line'))),
      ['8', '10'],
    );
    const states = await detail
      .locator('svg.state-diagram g.state')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-state')));
    assert.deepEqual(states, ['Unresumed', 'Suspend0', 'Suspend1', 'Returned', 'Panicked']);
    assert.ok((await detail.locator('svg.state-diagram path.edge').count()) >= 7, 'transitions are drawn');
    assert.equal(await detail.locator('svg.layout-bars g.bar-row').count(), 5);
    assert.equal(
      await detail.locator('svg.layout-bars g.bar-row[data-state="Suspend0"] .seg.f-padding').count(),
      1,
    );
    assert.match(
      (await detail.locator('svg.layout-bars g.bar-row[data-state="Suspend0"] .waste').textContent()) ?? '',
      /7 B padding/,
    );
    assert.deepEqual(await detail.locator('pre.diff .del').allTextContents(), [
      '-        net::fetch(encoded).await?;\n',
    ]);
    assert.deepEqual(await detail.locator('pre.diff .add').allTextContents(), [
      '+        Box::pin(net::fetch(encoded)).await?;\n',
    ]);
    await detail.screenshot({ path: join('test-artifacts', 'report-detail.png') });

    // Treemap zoom: clicking the async block zooms into it (its awaitee becomes a top cell), the path zooms out.
    await page.locator('svg.treemap > g.cell[data-item="0"]').click();
    assert.equal(await page.locator('.crumbs .crumb.current').textContent(), 'main::{async block} (1,120 B)');
    assert.ok(
      await page.locator('svg.treemap > g.cell[data-item="1"]').count(),
      'radio::Radio::send is drawn inside',
    );
    await page.locator('.crumbs button.crumb').first().click();
    assert.equal(await page.locator('svg.treemap > g.cell').count(), 16);

    mkdirSync('test-artifacts', { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    // Print media draws everything, also the findings that content-visibility skips while off-screen.
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join('test-artifacts', 'report.png'), fullPage: true });

    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')),
      [],
    );
    await r.close();
  });

  test('deep links: #item=crate::path opens that item, and the hash follows the user', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const report = analysisReport();
    const file = write('deep-link.html', renderHtml(report, { readSource: readSample, rules: RULES }));
    const { ctx } = await getBrowser();
    const r = await openReport(ctx, file, '#item=firmware::radio::Radio::send');
    const { page } = r;
    const detail = page.locator('article.detail');
    assert.equal(await detail.locator('h2').textContent(), 'radio::Radio::send');
    assert.ok(await detail.isVisible());
    // Navigating keeps the hash, so the address bar is a link to what is on screen.
    await page.locator('table.items tbody tr', { hasText: 'radio::Radio::flush' }).click();
    assert.equal(await page.evaluate(() => location.hash), '#item=firmware::radio::Radio::flush');
    // A link pasted or followed while the page is open (hashchange) opens its item too.
    await page.evaluate(() => {
      location.hash = '#item=firmware::net::fetch';
    });
    await page.waitForFunction(
      () => document.querySelector('article.detail h2')?.textContent === 'net::fetch',
    );
    // A name without its crate works when only one item has it; an unknown one opens nothing and breaks nothing.
    const bare = await openReport(ctx, file, '#item=config::load');
    assert.equal(await bare.page.locator('article.detail h2').textContent(), 'config::load');
    const unknown = await openReport(ctx, file, '#item=firmware::no::such');
    assert.equal(await unknown.page.locator('article.detail').count(), 0);
    assert.deepEqual([...r.problems, ...bare.problems, ...unknown.problems], []);
    await Promise.all([r.close(), bare.close(), unknown.close()]);
  });

  test('code column and detail: “no symbol” without any code, “no poll fn” next to drop glue', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const report = analysisReport();
    const [a, b] = report.items;
    const drop = { symbol: 'core::ptr::drop_in_place::<x>', kind: 'drop' as const, bytes: 45, copies: 1 };
    a!.code = { codeBytes: 0, parts: [], inlined: true };
    b!.code = { codeBytes: 45, parts: [drop], inlined: true };
    const file = write('code-cells.html', renderHtml(report, { readSource: readSample, rules: RULES }));
    const { ctx } = await getBrowser();
    const r = await openReport(ctx, file);
    const row = (name: string) => r.page.locator('table.items tbody tr', { hasText: name }).first();
    const cells = async (name: string) => (await row(name).locator('td').allTextContents()).join(' | ');
    assert.match(await cells(a!.name), /\| no symbol \|/);
    assert.match(await cells(b!.name), /\| no poll fn, 45 B \|/);
    await row(a!.name).click();
    assert.match(
      (await r.page.locator('article.detail').textContent()) ?? '',
      /no symbol in the binary \(never used by it, or inlined entirely\)/,
    );
    assert.deepEqual(r.problems, []);
    await r.close();
  });

  test('workspace report: .text counted once, root futures labelled, fix as a diff, awaitees by name', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const file = write(
      'workspace.html',
      renderHtml(workspaceReport(), { readSource: (f) => WORKSPACE_SOURCES[f], rules: RULES }),
    );
    const { ctx } = await getBrowser();
    const r = await openReport(ctx, file);
    const { page } = r;
    const card = (label: string) =>
      page.locator('.card', { has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) });
    assert.equal(await card('async share of .text').locator('.value').textContent(), '61.4 %');
    assert.equal(await card('async share of .text').locator('.note').textContent(), '11,693 B of 19,057 B');
    assert.equal(await card('root futures').locator('.value').textContent(), '40 B');
    assert.equal(await card('future bytes, all items').locator('.value').textContent(), '53 B');
    assert.match(
      (await card('future bytes, all items').locator('.note').textContent()) ?? '',
      /nested futures counted in their awaiters too/,
    );
    assert.equal(await page.locator('.crumbs .crumb.current').textContent(), 'root futures (40 B)');

    // Zoomed into main_loop, the awaitees are named: the other crate's item by its name, a block by place.
    await page.locator('svg.treemap > g.cell[data-item="3"]').click();
    const labels = await page.locator('svg.treemap > g.cell > title').allTextContents();
    assert.ok(
      labels.some((l) => l.startsWith('tiny_inline\n')),
      labels.join(' / '),
    );
    assert.ok(
      labels.some((l) => l.startsWith('async block at app/src/lib.rs:5\n')),
      labels.join(' / '),
    );
    assert.ok(!labels.some((l) => /\{async (fn body|block@)/.test(l)), labels.join(' / '));
    assert.match((await page.locator('article.detail ul.awaitees').textContent()) ?? '', /: tiny_inline/);

    // The no-await fix of the member's file is a unified diff, not a list of offsets.
    await page.locator('table.items tbody tr', { hasText: 'Sensor::id' }).click();
    const diff = page.locator('article.detail pre.diff');
    assert.deepEqual(await diff.locator('.meta').allTextContents(), [
      '--- a/driver/src/lib.rs\n',
      '+++ b/driver/src/lib.rs\n',
      '@@ -1,8 +1,8 @@\n',
    ]);
    assert.deepEqual(await diff.locator('.add').allTextContents(), [
      '+    pub fn id(&self) -> impl ::core::future::Future<Output = u8> {\n',
      '+        ::core::future::ready(self.id)\n',
    ]);
    assert.equal(await diff.locator('.ctx').first().textContent(), ' pub struct Sensor { id: u8 }\n');
    assert.doesNotMatch((await diff.textContent()) ?? '', /offset/i);
    assert.deepEqual(r.problems, []);
    await r.close();
  });

  test('scan report: table and findings, no treemap', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const file = write('scan.html', renderHtml(scanReport(), { readSource: readSample }));
    const { ctx } = await getBrowser();
    const r = await openReport(ctx, file);
    const { page } = r;
    assert.equal(await page.locator('svg.treemap').count(), 0);
    assert.equal(await page.locator('table.items tbody tr').count(), 1);
    assert.equal(await page.locator('#findings .finding').count(), 1);
    assert.equal(await page.locator('.notice').count(), 2, 'parse errors and skipped files are reported');
    await page.locator('table.items tbody tr').first().click();
    const detail = page.locator('article.detail');
    assert.deepEqual(await detail.locator('mark.await').allTextContents(), ['.await', '.await']);
    const states = await detail
      .locator('svg.state-diagram g.state')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-state')));
    assert.deepEqual(states, ['Unresumed', 'Suspend0', 'Suspend1', 'Returned', 'Panicked']);
    assert.match(
      (await detail.locator('svg.state-diagram .caption').textContent()) ?? '',
      /expected states from the source/,
    );
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')),
      [],
    );
    await r.close();
  });

  test('large report: the treemap groups the smallest futures, the table pages its rows', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const report = analysisReport();
    const template = report.items.find((i) => i.name === 'handlers::h3')!;
    report.items = Array.from({ length: 400 }, (_, k) => ({
      ...template,
      name: `many::f${k}`,
      futureBytes: 100 + k,
    }));
    const file = write('large.html', renderHtml(report, { readSource: readSample }));
    const { ctx } = await getBrowser();
    const r = await openReport(ctx, file);
    const { page } = r;
    // 149 largest boxes plus one box for the other 251, which zooms in to them.
    assert.equal(await page.locator('svg.treemap > g.cell').count(), 150);
    const group = page.locator('svg.treemap > g.cell:not([data-item])');
    assert.match((await group.locator(':scope > title').textContent()) ?? '', /^251 smaller futures\n/);
    await group.click();
    assert.equal(
      await page.locator('.crumbs .crumb.current').textContent(),
      `251 smaller futures (${(251 * 100 + (250 * 251) / 2).toLocaleString('en-US')} B)`,
    );
    assert.equal(await page.locator('svg.treemap > g.cell').count(), 150);
    assert.equal(
      await page.locator('svg.treemap > g.cell[data-item="0"]').count(),
      0,
      'the smallest is one level further down',
    );
    // The table draws 200 rows until asked for all.
    assert.equal(await page.locator('table.items tbody tr').count(), 200);
    await page.locator('button.more-rows').click();
    assert.equal(await page.locator('table.items tbody tr').count(), 400);
    assert.equal(await page.locator('button.more-rows').isVisible(), false);
    assert.deepEqual(r.problems, []);
    await r.close();
  });

  test('crowded treemap: no label overlaps another or leaves its box, and every label reaches WCAG AA contrast', async (t) => {
    if (!need(t, 'chromium', has.chromium())) return;
    const report = analysisReport();
    const template = report.items.find((i) => i.name === 'handlers::h3')!;
    // Sizes spread over three orders of magnitude (as in a real service), and each future awaits the next
    // two, so boxes hold awaitee boxes of every size, down to slivers.
    const n = 90;
    const size = (k: number) => Math.round(40 + 24_000 / (1 + k) ** 1.3);
    report.items = Array.from({ length: n }, (_, k) => ({
      ...template,
      name: `service::handlers::signal::route_${k}`,
      futureBytes: size(k),
      children: [k + 1, k + 2]
        .filter((c) => c < n && c % 3 !== 0)
        .map((c) => ({
          typeName: `{async fn body of service::handlers::signal::route_${c}()}`,
          bytes: size(c),
          item: `service::handlers::signal::route_${c}`,
          state: 'Suspend0',
        })),
    }));
    const file = write('crowded.html', renderHtml(report, { readSource: readSample }));
    const { ctx } = await getBrowser();
    const r = await openReport(ctx, file);
    const { page } = r;
    mkdirSync('test-artifacts', { recursive: true });
    await page.locator('svg.treemap').screenshot({ path: join('test-artifacts', 'treemap-crowded.png') });
    const problems = (await page.evaluate(TREEMAP_LABEL_CHECK)) as { out: string[]; count: number };
    assert.ok(problems.count > 40, `a crowded treemap draws many labels: ${problems.count}`);
    assert.deepEqual(problems.out, []);
    assert.deepEqual(r.problems, []);
    await r.close();
  });
});
