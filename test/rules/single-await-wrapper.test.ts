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
        },
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
        },
      ],
    },
  ],
});
