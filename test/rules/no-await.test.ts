import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CALLERS_NOTE, noAwait } from '../../src/rules/no-await/rule.ts';
import { findingsOf, ruleTester } from '../support/rule-tester.ts';

ruleTester(noAwait, {
  valid: [
    {
      // embassy-net-esp-hosted's `exchange!`: the macro awaits, so every call of it is an await.
      name: 'a local macro_rules! that awaits',
      code: 'macro_rules! exchange {\n    ($s:expr) => {\n        $s.transfer().await\n    };\n}\nasync fn ioctl(s: &mut Spi) -> u8 {\n    exchange!(s)\n}',
    },
    {
      name: 'async code inside quote! is tokens for another crate',
      code: 'fn expand() -> TokenStream {\n    quote! {\n        async fn generated() -> u8 { 1 }\n        let f = async { 2 };\n    }\n}',
    },
    {
      // The attribute needs `async fn`: no advice to drop `async` there.
      name: 'an embassy task that never awaits',
      code: '#[embassy_executor::task]\nasync fn idle() {\n    loop {}\n}',
    },
    {
      name: 'tokio::main',
      code: '#[tokio::main(flavor = "current_thread")]\nasync fn main() {\n    println!("hi");\n}',
    },
    { name: 'a test macro behind cfg_attr', code: '#[cfg_attr(test, tokio::test)]\nasync fn t() {}' },
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
      // The effect that would move is the call that runs, not the closure it is given (a user's hyper service).
      name: 'the effect named is the call, not the closure passed to it',
      code: 'fn make() {\n    let f = async move { Ok::<_, Infallible>(service_fn(move |req| handle(store.clone(), tx.clone(), req))) };\n}',
      findings: [{ line: 2, help: ['the call `service_fn(..)` moves earlier'] }],
    },
    {
      name: 'an attribute macro asyncbloat does not know: the finding without a fix, saying why',
      code: '#[my_runtime::entry]\nasync fn start() -> u8 {\n    1\n}',
      findings: [
        {
          line: 2,
          help: ['`#[my_runtime::entry]` is an attribute macro asyncbloat does not know'],
          fix: null,
        },
      ],
    },
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
          // The body only computes a value: making it run at the call changes nothing.
          fix: { applicability: 'machine-applicable' },
        },
      ],
    },
    {
      name: 'body with side effects gets the eager caveat',
      code: 'async fn log() { println!("hi"); }',
      findings: [
        {
          line: 1,
          help: ['runs when called, not when first polled: the macro `println!` moves earlier'],
          fix: {
            applicability: 'maybe-incorrect',
            caveat: ['`log` would run its body when called, not at its first poll: the macro `println!`'],
          },
        },
      ],
    },
    {
      // actix-web's examples: the `?` of `{:?}` is in the format string, not an early return.
      name: 'a `?` inside a string of a macro call is not a `?` operator: the fix stays',
      code: 'async fn log(x: u8) { println!("REQ: {:?} return .await", x); }',
      findings: [{ line: 1, fix: { applicability: 'maybe-incorrect', caveat: ['the macro `println!`'] } }],
    },
    {
      // The user's case: the lock (and the unwrap's panic) would move from the first poll to the call.
      name: 'a lock taken in the body: maybe-incorrect, the caveat names the call that moves',
      code: 'use std::sync::Mutex;\npub async fn locked(m: &Mutex<u8>) -> u8 {\n    *m.lock().unwrap()\n}',
      findings: [
        {
          line: 2,
          help: ['the method call `m.lock()` moves earlier', 'keep `async` if that ordering matters'],
          fix: {
            applicability: 'maybe-incorrect',
            caveat: [
              '`locked` would run its body when called, not at its first poll',
              'the method call `m.lock()` then happens at the call, even if the future is never polled',
            ],
          },
        },
      ],
    },
    {
      name: 'indexing can panic: maybe-incorrect',
      code: 'pub async fn first(a: &[u8]) -> u8 {\n    a[0]\n}',
      findings: [{ line: 1, fix: { applicability: 'maybe-incorrect', caveat: ['the indexing `a[0]`'] } }],
    },
    {
      name: 'a by-value argument left in the body would be dropped at the call: maybe-incorrect',
      code: 'pub async fn port(c: Config) -> u16 {\n    c.port\n}',
      findings: [
        { line: 1, fix: { applicability: 'maybe-incorrect', caveat: ['dropping the argument `c`'] } },
      ],
    },
    {
      name: 'reads through references, derefs of reference arguments, match, struct values: machine-applicable',
      code: 'pub async fn make(r: &u32, k: u8, g: Guard) -> P {\n    let y = *r;\n    let v = match k { 0 => 1, n if n > 9 => 2 + 3, _ => { let z = k | 2; z } };\n    P { y, v, g: Some(g), kind: Kind::A }\n}',
      findings: [{ line: 1, fix: { applicability: 'machine-applicable' } }],
    },
    {
      name: 'a call of a fn of the file with effects: maybe-incorrect; of an effect-free one: machine-applicable',
      code: 'fn noisy(x: u8) -> u8 {\n    println!("{x}");\n    x\n}\nfn quiet(x: u8) -> u8 {\n    x | 1\n}\npub async fn f(x: u8) -> u8 {\n    noisy(x)\n}\npub async fn g(x: u8) -> u8 {\n    quiet(x)\n}',
      findings: [
        { line: 8, fix: { applicability: 'maybe-incorrect', caveat: ['the call `noisy(x)`'] } },
        { line: 11, fix: { applicability: 'machine-applicable' } },
      ],
    },
    {
      name: 'arithmetic on values can panic (zero, overflow): maybe-incorrect; on literals it cannot',
      code: 'pub async fn div(a: u32, b: u32) -> u32 {\n    a / b\n}\npub async fn inc(x: u8) -> u8 {\n    x + 1\n}\npub async fn neg(x: i8) -> i8 {\n    -x\n}\npub async fn k() -> u8 {\n    2 * 3\n}',
      findings: [
        {
          line: 1,
          fix: { applicability: 'maybe-incorrect', caveat: ['the arithmetic `a / b` (panics on zero)'] },
        },
        {
          line: 4,
          fix: {
            applicability: 'maybe-incorrect',
            caveat: ['the arithmetic `x + 1` (panics on overflow in debug builds)'],
          },
        },
        { line: 7, fix: { applicability: 'maybe-incorrect', caveat: ['the negation `-x`'] } },
        { line: 10, fix: { applicability: 'machine-applicable' } },
      ],
    },
    {
      name: 'public fn keeps its signature',
      code: 'pub async fn f(x: u8) -> u8 { x }',
      findings: [
        {
          line: 1,
          help: ['fn f(x: u8) -> impl Future<Output = u8> { core::future::ready(..) }'],
          fix: { applicability: 'machine-applicable' },
        },
      ],
    },
    {
      // embassy-sync's tests: the async block's body is tokens of a macro call, so its effect
      // (`try_send`) is not known; it must not be called effect-free.
      name: 'an async block inside a macro call: its body is not called effect-free',
      code: 'async fn t(e: &E, c: &C) {\n    assert!(e.spawn(async move {\n        assert!(c.try_send(1).is_ok());\n    }).is_ok());\n    f().await;\n}',
      findings: [
        {
          line: 2,
          message: 'async block never awaits',
          help: ['written inside a macro call (not analysed)'],
        },
      ],
    },
    {
      name: 'trait impl suggests a ready future',
      code: 'struct S;\nimpl Svc for S {\n    async fn call(&self, x: u32) -> u32 { x }\n}',
      findings: [
        {
          line: 3,
          column: 5,
          item: '<S as Svc>::call',
          // An impl may write a trait's `async fn` as `fn .. -> impl Future` (Rust 1.75).
          fix: { applicability: 'machine-applicable' },
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

describe('no-await: what scan says the fix is, and what fix does', () => {
  it('a private fn: the ready(..) rewrite says `fix` drops async at the callers when it finds them', async () => {
    const [f] = await findingsOf(noAwait, 'async fn private_one() -> u8 {\n    1\n}\n');
    assert.ok(f?.fix);
    assert.ok(f.fix.description.endsWith(CALLERS_NOTE), f.fix.description);
    assert.match(f.help, /drop `async`/);
  });
  it('a public fn: the ready(..) rewrite, with no word of callers', async () => {
    const [f] = await findingsOf(noAwait, 'pub async fn public_one() -> u8 {\n    1\n}\n');
    assert.ok(f?.fix);
    assert.ok(!f.fix.description.includes(CALLERS_NOTE));
  });
});

describe('no-await: a private fn its file names other than in a call', () => {
  // actix-web's examples: `.route(web::get().to(index_async))` needs a fn returning a future.
  const handler =
    'async fn index_async(req: HttpRequest) -> &\'static str {\n    "Hello"\n}\nfn app() -> App {\n    App::new().route("/", web::get().to(index_async))\n}\n';
  it('is advised to keep a future-returning signature, naming the line; its fix says nothing of callers', async () => {
    const [f] = await findingsOf(noAwait, handler);
    assert.ok(f?.fix, f?.help);
    assert.match(
      f.help,
      /^keep a signature that returns a future, as line 5 names `index_async` other than in a call/,
    );
    assert.match(f.help, /-> impl Future<Output = &'static str> \{ core::future::ready\(\.\.\) \}/);
    assert.ok(!f.fix.description.includes(CALLERS_NOTE), f.fix.description);
  });
  it('one an unknown attribute macro wraps (actix-web `#[get("/")]`) is advised the same, and gets no fix', async () => {
    const [f] = await findingsOf(noAwait, '#[get("/")]\nasync fn idx() -> u8 {\n    1\n}\n');
    assert.match(
      f!.help,
      /^keep a signature that returns a future, as the attribute macro `#\[get\]` may pass it on/,
    );
    assert.equal(f!.fix, undefined);
  });
  it('calls (awaited, through a path, with a turbofish), comments, strings and a macro of that name do not count', async () => {
    const code =
      'async fn load<T>() -> u8 {\n    1\n}\nasync fn run() -> u8 {\n    // load is called below\n    let s = "load";\n    load!();\n    load::<u8>().await + self::load::<u8>().await + x.load\n}\n';
    const [f] = await findingsOf(noAwait, code);
    assert.match(f!.help, /^drop `async`/);
  });
});
