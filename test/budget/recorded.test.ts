// diff and check on real analyze reports (test/fixtures/budget/recorded/README.md says where they come from).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkReport } from '../../src/budget/check.ts';
import { emptyConfig } from '../../src/budget/config.ts';
import { formatCause } from '../../src/budget/delta-text.ts';
import { diffReports } from '../../src/budget/diff.ts';
import { renderDiffHuman } from '../../src/report/diff-human.ts';
import { renderDiffMarkdown } from '../../src/report/diff-markdown.ts';
import { recorded } from './reports.ts';

const plain = new Proxy({}, { get: () => (s: string) => s }) as Parameters<typeof renderDiffHuman>[1];

test('an await inserted before an unchanged one: only the new awaitee grew, not the one that moved', () => {
  const d = diffReports(recorded('await-inserted/v1.json'), recorded('await-inserted/v2.json'));
  const run = d.items.find((i) => i.name === 'run')!;
  assert.deepEqual(run.futureBytes, { base: 112, head: 600, delta: 488 });
  // PollFn<{closure@src/main.rs:6:34: 6:42}> in Suspend1 is PollFn<{closure@src/main.rs:7:34: 7:42}> in
  // Suspend2 now: the same awaitee, 32 B on both sides; and `k`, `a` are unchanged.
  assert.deepEqual(
    run.grew.map((c) => [c.what, c.name, c.state, c.baseBytes, c.headBytes, c.delta]),
    [['awaitee', 'big', 'Suspend1', null, 514, 514]],
  );
  const text = renderDiffHuman(d, plain);
  assert.match(text, /^ {2}awaited big in Suspend1: 514 B \(new\) \(\+514 B\)$/m);
  assert.doesNotMatch(text, /PollFn/);
});

test('a real service: temporaries renumbered and a closure moved a line are not growth', () => {
  const d = diffReports(recorded('service/base.json'), recorded('service/head.json'));
  const main = d.items.find((i) => i.name === 'main')!;
  assert.deepEqual(main.futureBytes, { base: 272, head: 2128, delta: 1856 });
  // base holds `.coroutine_field7..9: bool`, head `.coroutine_field8..10: bool`; the hyper Server's type
  // names its closure at src/main.rs:102 in base and :103 in head.
  assert.deepEqual(
    main.grew.map((c) => [c.what, c.name, c.state, c.baseBytes, c.headBytes]),
    [['awaitee', 'store::extra', 'Suspend3', null, 2104]],
  );
  const readFrame = d.items.find((i) => i.name === 'read_frame')!;
  assert.deepEqual(
    readFrame.grew.map((c) => formatCause(c)),
    ['local `buf` in Suspend0 (also held in Suspend1): 8192 B \u2192 16384 B (+8192 B)'],
  );
  const text = renderDiffHuman(d, plain);
  assert.doesNotMatch(text, /coroutine_field|Server<|closure@/);
});

test('the code column is own code, as in analyze; generic code is its own column', () => {
  const d = diffReports(recorded('service/base.json'), recorded('service/head.json'));
  const main = d.items.find((i) => i.name === 'main')!;
  // poll fn 3133 → 3501 B, drop glue 289 → 343 B; the generic code instantiated for its type apart.
  assert.deepEqual(main.ownCodeBytes, { base: 3422, head: 3844, delta: 422 });
  assert.deepEqual(main.genericCodeBytes, { base: 14865, head: 14880, delta: 15 });
  // codeBytes stays all of the item's code, as the report's code.codeBytes.
  assert.deepEqual(main.codeBytes, { base: 18287, head: 18724, delta: 437 });
  assert.deepEqual(d.totals.ownCodeBytes.delta! + d.totals.genericCodeBytes.delta!, d.totals.codeBytes.delta);

  const text = renderDiffHuman(d, plain);
  const header = text.split('\n').find((l) => l.includes('held across await'))!;
  assert.match(header, /held across await +code +generic code +panic sites$/);
  const row = text.split('\n').find((l) => /^~ +main /.test(l))!;
  assert.match(row, /3422 B → 3844 B \(\+422 B\) +14865 B → 14880 B \(\+15 B\)/);
  // read_frame is never called: no code at all, which analyze calls "no symbol" too.
  assert.match(text.split('\n').find((l) => /^~ +read_frame /.test(l))!, / no symbol +- +0$/);

  const md = renderDiffMarkdown(d);
  assert.match(
    md,
    /^\| \| item \| future \| states \| held across await \| code \| generic code \| panic sites \|$/m,
  );
  assert.match(
    md,
    /\| `main` \| .* \| 3422 B → 3844 B \(\+422 B\) \| 14865 B → 14880 B \(\+15 B\) \| 2 \|$/m,
  );

  // Without generic code anywhere, there is no generic code column.
  const small = diffReports(recorded('await-inserted/v1.json'), recorded('await-inserted/v2.json'));
  assert.doesNotMatch(renderDiffHuman(small, plain), /generic code/);
  assert.doesNotMatch(renderDiffMarkdown(small), /generic code/);
});

test('check --baseline on the service names only what really grew', () => {
  const r = checkReport({
    head: recorded('service/head.json'),
    base: recorded('service/base.json'),
    config: { ...emptyConfig(), maxGrowth: { bytes: 1024 } },
  });
  assert.deepEqual(
    r.violations.filter((v) => v.budget === 'future-growth').map((v) => [v.item, v.grew.map((c) => c.name)]),
    [
      ['read_frame', ['buf']],
      ['main', ['store::extra']],
    ],
  );
});

test('a budget whose glob is a typo is noted with the glob it probably meant', () => {
  const r = checkReport({
    head: recorded('service/head.json'),
    config: {
      ...emptyConfig(),
      maxFutureBytes: 20480,
      budgets: [{ item: 'storage::*', maxFutureBytes: 1024 }],
      ignores: [{ item: 'read_fram', reason: 'x' }],
    },
  });
  // The budget does not apply: store::extra (2104 B) passes the global limit. Not an error, but said.
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.notes, [
    "budget 'storage::*' matches no async item in the report, so its limits apply to nothing; did you mean 'store::*'?",
    "ignore 'read_fram' matches no async item in the report, so it suppresses nothing; did you mean 'read_frame'?",
  ]);
});
