import { noAwait } from '../../src/rules/no-await.ts';
import { ruleTester } from '../support/rule-tester.ts';

ruleTester(noAwait, {
  valid: [
    { name: 'awaits once', code: 'async fn f() -> u8 { g().await }' },
    { name: 'await inside a macro call', code: 'async fn f() { assert_eq!(g().await, 1); }' },
    { name: 'select! expands to an await', code: 'async fn f() { tokio::select! { _ = a => {} } }' },
    { name: 'join! expands to an await', code: 'async fn f() { let (a, b) = futures::join!(x, y); }' },
    { name: 'trait declaration without body', code: 'trait T { async fn f(&self); }' },
    { name: 'await in a block that awaits', code: 'fn f() -> impl Future { async move { g().await } }' },
    { name: 'async closure that awaits', code: 'fn f() { let c = async |x: u8| g(x).await; }' },
    { name: 'macro_rules body is not code', code: 'macro_rules! m { () => { async { 1 } } }' },
  ],
  invalid: [
    {
      name: 'free private fn',
      code: 'async fn value() -> u32 {\n    7\n}',
      findings: [
        {
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 24,
          message: '`async fn value` never awaits',
          help: ['drop `async`: `fn value() -> u32`', 'changes nothing'],
        },
      ],
    },
    {
      name: 'body with side effects gets the eager caveat',
      code: 'async fn log() { println!("hi"); }',
      findings: [{ line: 1, help: ['runs when called, not when first polled'] }],
    },
    {
      name: 'public fn keeps its signature',
      code: 'pub async fn f(x: u8) -> u8 { x }',
      findings: [{ line: 1, help: ['fn f(x: u8) -> impl Future<Output = u8> { core::future::ready(..) }'] }],
    },
    {
      name: 'trait impl suggests a ready future',
      code: 'struct S;\nimpl Svc for S {\n    async fn call(&self, x: u32) -> u32 { x }\n}',
      findings: [
        {
          line: 3,
          column: 5,
          item: '<S as Svc>::call',
          help: [
            'fixed by the trait',
            'fn call(&self, x: u32) -> impl Future<Output = u32>',
            'core::future::ready',
          ],
        },
      ],
    },
    {
      // async_trait rewrites the method to return `Pin<Box<dyn Future + Send + '_>>`: an `impl Future`
      // signature would not compile there (found on a real hyper service).
      name: '#[async_trait] impl: no impl Future suggestion, the box is named',
      code: 'struct S;\n#[async_trait]\nimpl Svc for S {\n    async fn call(&self) -> u32 { 1 }\n}',
      findings: [{ line: 4, help: ['#[async_trait]', 'Pin<Box<dyn Future'] }],
    },
    {
      name: '#[async_trait::async_trait] trait default method: same',
      code: '#[async_trait::async_trait]\ntrait Svc {\n    async fn call(&self) -> u32 { 1 }\n}',
      findings: [{ line: 3, help: ['#[async_trait]'] }],
    },
    {
      name: 'awaits only in a nested block: the outer fn is flagged, the block is not',
      code: 'async fn outer() -> u8 {\n    let b = async { g().await };\n    0\n}',
      findings: [{ line: 1, message: '`async fn outer`' }],
    },
    {
      name: 'awaits in strings and comments do not count',
      code: 'async fn f() -> usize {\n    // g().await\n    /// doc g().await\n    "g().await".len()\n}',
      findings: [{ line: 1 }],
    },
    {
      name: 'async block and async closure',
      code: 'fn f() {\n    let b = async move { 1 };\n    let c = async |x: u8| x;\n}',
      findings: [
        { line: 2, column: 13, endColumn: 23, message: 'async block never awaits' },
        { line: 3, column: 13, endColumn: 26, message: 'async closure never awaits' },
      ],
    },
  ],
});
