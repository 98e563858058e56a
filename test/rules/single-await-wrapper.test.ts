import { singleAwaitWrapper } from '../../src/rules/single-await-wrapper.ts';
import { ruleTester } from '../support/rule-tester.ts';

ruleTester(singleAwaitWrapper, {
  valid: [
    { name: 'two awaits', code: 'async fn f() -> u8 { a().await + b().await }' },
    { name: 'work after the await', code: 'async fn f() -> u8 { let x = a().await; x + 1 }' },
    { name: 'await of a non-call', code: 'async fn f(fut: F) -> u8 { fut.await }' },
    { name: 'statement before the await', code: 'async fn f() -> u8 { log(); a().await }' },
    { name: 'await in a macro', code: 'async fn f() -> u8 { dbg!(a().await) }' },
    { name: 'no await at all', code: 'async fn f() -> u8 { 1 }' },
    { name: 'await statement, not a tail', code: 'async fn f() { a().await; }' },
  ],
  invalid: [
    {
      name: 'bare forward',
      code: 'async fn f(x: u8) -> u8 {\n    inner(x).await\n}',
      findings: [
        {
          line: 1,
          column: 1,
          endColumn: 24,
          message: '`async fn f` only awaits `inner(x)`',
          help: [
            'fn f(x: u8) -> impl Future<Output = u8> { inner(x) }',
            'only borrow what the signature captures',
          ],
          // `inner` is not declared here: calling it may do more than create a future.
          fix: {
            applicability: 'maybe-incorrect',
            caveat: [
              '`f` would run the call to `inner` when called, not at its first poll',
              'the call `inner(x)` (it may do more than create its future',
            ],
          },
        },
      ],
    },
    {
      // The user's case: the sleep's deadline would be computed at the call.
      name: 'forward to a callee of another crate: maybe-incorrect',
      code: 'async fn backoff(d: Duration) {\n    tokio::time::sleep(d).await\n}',
      findings: [
        {
          line: 1,
          fix: { applicability: 'maybe-incorrect', caveat: ['the call `tokio::time::sleep(d)`'] },
        },
      ],
    },
    {
      name: 'forward to an async fn of the same file with effect-free arguments: machine-applicable',
      code: 'async fn inner(x: u8, c: Config) -> u8 {\n    tick().await;\n    x\n}\npub async fn f(x: u8, c: Config) -> u8 {\n    let y = x | 1;\n    inner(y, c).await\n}',
      findings: [{ line: 5, item: 'f', fix: { applicability: 'machine-applicable' } }],
    },
    {
      name: 'a preamble that can overflow (debug builds panic) is maybe-incorrect',
      code: 'async fn send_byte(b: u8) {\n    tick().await;\n}\npub async fn wrap_of(b: u8) {\n    let c = b + 1;\n    send_byte(c).await\n}',
      findings: [
        {
          line: 4,
          item: 'wrap_of',
          fix: {
            applicability: 'maybe-incorrect',
            caveat: ['the arithmetic `b + 1` (panics on overflow in debug builds)'],
          },
        },
      ],
    },
    {
      name: 'forward to an async method through `self` and through a reference argument: machine-applicable',
      code: 'pub struct R;\nimpl R {\n    async fn get(&self, x: u8) -> u8 {\n        tick().await;\n        x\n    }\n    pub async fn one(&self) -> u8 {\n        self.get(1).await\n    }\n}\npub async fn two(r: &R) -> u8 {\n    r.get(2).await\n}',
      findings: [
        { line: 7, item: 'R::one', fix: { applicability: 'machine-applicable' } },
        { line: 11, item: 'two', fix: { applicability: 'machine-applicable' } },
      ],
    },
    {
      name: 'forward to a plain fn of the file that only builds a value: machine-applicable',
      code: 'fn later(x: u32) -> Later {\n    Later(x)\n}\npub async fn w(x: u32) -> u32 {\n    later(x).await\n}',
      findings: [{ line: 4, fix: { applicability: 'machine-applicable' } }],
    },
    {
      name: 'a preamble with a call: maybe-incorrect, even when the callee is an async fn of the file',
      code: 'async fn inner(x: u32) -> u32 {\n    tick().await;\n    x\n}\npub async fn f(c: &Cell<u32>) -> u32 {\n    let n = next(c);\n    inner(n).await\n}',
      findings: [
        {
          line: 5,
          fix: {
            applicability: 'maybe-incorrect',
            caveat: ['`f` would run the `let` and the call to `inner` when called', 'the call `next(c)`'],
          },
        },
      ],
    },
    {
      name: 'a by-value argument passed only in part is dropped at the call: maybe-incorrect',
      code: 'async fn inner(p: u16) -> u16 {\n    tick().await;\n    p\n}\npub async fn f(c: Config) -> u16 {\n    inner(c.port).await\n}',
      findings: [
        { line: 5, fix: { applicability: 'maybe-incorrect', caveat: ['dropping the argument `c`'] } },
      ],
    },
    {
      name: 'lets before the forward get the eager-preamble caveat',
      code: 'impl R {\n    pub async fn send(&self, b: u8) -> u8 {\n        let c = self.ch;\n        let d = b + 1;\n        driver::write(c, d).await\n    }\n}',
      findings: [
        {
          line: 2,
          column: 5,
          item: 'R::send',
          help: ['the 2 `let`s before it then run when `send` is called', 'driver::write(c, d)'],
          fix: {
            applicability: 'maybe-incorrect',
            caveat: ['`send` would run the 2 `let`s and the call to `driver::write` when called'],
          },
        },
      ],
    },
    {
      name: 'a borrow of an owned argument is not fixable, and says whose it is',
      code: 'async fn forward(tx: Sender, v: u8) -> u8 {\n    send(&tx, v).await\n}',
      findings: [
        {
          line: 1,
          help: [
            'not fixable: the argument `&tx` borrows `tx`, which the wrapper owns: the new fn would return a future borrowing its own argument',
          ],
          fix: null,
        },
      ],
    },
  ],
});
