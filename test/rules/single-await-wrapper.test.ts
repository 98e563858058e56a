import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { singleAwaitWrapper } from '../../src/rules/single-await-wrapper/rule.ts';
import { findingsOf, ruleTester } from '../support/rule-tester.ts';

ruleTester(singleAwaitWrapper, {
  valid: [
    { name: 'two awaits', code: 'async fn f() -> u8 { a().await + b().await }' },
    { name: 'work after the await', code: 'async fn f() -> u8 { let x = a().await; x + 1 }' },
    { name: 'statement before the await', code: 'async fn f() -> u8 { log(); a().await }' },
    { name: 'await in a macro', code: 'async fn f() -> u8 { dbg!(a().await) }' },
    { name: 'no await at all', code: 'async fn f() -> u8 { 1 }' },
    {
      name: 'await statement in a fn that returns a value',
      code: 'async fn f() -> u8 { a().await; 1 }',
    },
    {
      // The guard is held across the await: the wrapper's state machine is what keeps it alive.
      name: 'an RAII guard bound before the await',
      code: 'async fn f(m: &Mutex<u8>) -> u8 {\n    let _guard = m.lock();\n    work().await\n}',
    },
    {
      name: 'an OnDrop guard',
      code: 'async fn f() {\n    let _on_drop = OnDrop::new(|| cleanup());\n    wait().await;\n}',
    },
    {
      // Returning `inner(&buf)` would return a borrow of a local (E0515/E0716).
      name: 'the awaited call borrows a local',
      code: 'async fn f() -> u8 {\n    let buf = [0u8; 4];\n    inner(&buf).await\n}',
    },
    {
      name: 'an attribute macro that needs async fn (embassy task)',
      code: "#[embassy_executor::task(pool_size = 2)]\nasync fn blink(mut led: Output<'static>) {\n    led.toggle_forever().await\n}",
    },
    {
      name: 'tokio::test',
      code: '#[tokio::test]\nasync fn works() {\n    run().await;\n}',
    },
    {
      name: 'a bare #[task] under cfg_attr',
      code: '#[cfg_attr(feature = "rt", task)]\nasync fn t() {\n    run().await\n}',
    },
  ],
  invalid: [
    {
      // reqwest's `get`: a plain fn cannot return `build()?.get(url).send()` (E0277: `?` in a fn returning
      // `impl Future`), so the help names the early exit's own future instead of showing that code.
      name: 'a body that leaves early with `?`: the help advises an Either, not code with `?`',
      code: 'pub async fn get(url: Url) -> Result<Response> {\n    Client::builder().build()?.get(url).send().await\n}\npub async fn send(self) -> Result<Response> {\n    let req = self.request?;\n    self.client.execute(req).await\n}',
      findings: [
        {
          line: 1,
          fix: null,
          help: ['(the body uses `?`)', 'Either::Left(..)', 'Either::Right(core::future::ready(..))'],
        },
        { line: 4, fix: null, help: ['(the body uses `?`)', 'Either::Left(..)'] },
      ],
    },
    {
      // tokio's fs: a `move` closure owns the path it captures; the wrapper can return the future.
      name: 'a move closure argument borrows nothing of the wrapper',
      code: 'pub async fn remove_file(path: PathBuf) -> io::Result<()> {\n    asyncify(move || std::fs::remove_file(path)).await\n}\npub async fn peek(&self) -> u8 {\n    poll_fn(|cx| self.poll_peek(cx)).await\n}',
      findings: [
        { line: 1, fix: { applicability: 'maybe-incorrect', caveat: ['the call to `asyncify`'] } },
        { line: 4, fix: null, help: ['a closure argument may borrow locals'] },
      ],
    },
    {
      // embassy-stm32's CanTx: the receiver is a struct the wrapper builds; its future borrows it.
      name: 'a receiver the wrapper builds: not fixable, and the reason says what would make it possible',
      code: 'impl Can {\n    pub async fn flush_any(&self) {\n        CanTx { info: &self.info }.flush_any_inner().await\n    }\n}',
      findings: [
        {
          line: 2,
          fix: null,
          help: [
            'fn flush_any(&self) -> impl Future<Output = ()>',
            'a value built here that the new fn would drop: returning it compiles only if the method takes `self` by value',
          ],
        },
      ],
    },
    {
      // embassy-usb-host: the awaited poll_fn's closure polls a future pinned in the wrapper's frame.
      name: 'a local pinned with pin! and polled by a closure: no wrapper (the future borrows the frame)',
      code: 'async fn stream(&mut self, cb: F) -> R {\n    let mut fut = pin!(self.inner(cb));\n    poll_fn(|cx| fut.as_mut().poll(cx)).await\n}\nasync fn moved(&mut self) -> R {\n    let n = 3;\n    poll_fn(move |_| Poll::Ready(n)).await\n}',
      findings: [{ line: 5, message: '`async fn moved` only awaits' }],
    },
    {
      // Embassy: 155 of these were "not fixable: declared by a trait". An impl may write the trait's
      // `async fn` as `fn .. -> impl Future` (Rust 1.75), capturing `&mut self` and `buf` in any edition.
      name: 'a trait impl method: fixable, with no lifetime bound in edition 2021',
      code: 'impl Read for Tcp {\n    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {\n        read_into(buf).await\n    }\n}\nasync fn read_into(buf: &mut [u8]) -> Result<usize, Error> {\n    Ok(buf.len())\n}',
      findings: [
        {
          line: 2,
          item: '<Tcp as Read>::read',
          help: [
            'fn read(&mut self, buf: &mut [u8]) -> impl Future<Output = Result<usize, Error>> { read_into(buf) }',
            "a trait impl's `impl Future` captures their lifetimes in any edition",
          ],
          fix: { applicability: 'machine-applicable' },
        },
      ],
    },
    {
      // cyw43, embassy-nrf: `&mut []` and `&[]` as empty buffers are promoted to 'static constants.
      name: 'an argument borrowing a promoted constant (`&mut []`, `&[1, 2]`, `&CONST`) borrows no local',
      code: 'impl Control {\n    pub async fn up(&mut self) {\n        self.ioctl(UP, &mut []).await;\n    }\n    pub async fn two(&mut self) -> usize {\n        self.write(&[1, 2]).await\n    }\n    pub async fn table(&mut self) -> usize {\n        self.write(&regs::TABLE).await\n    }\n    pub async fn bytes(&mut self, v: u32) -> usize {\n        self.write(&v.to_le_bytes()).await\n    }\n}',
      findings: [
        { line: 2, fix: { applicability: 'maybe-incorrect', caveat: ['the call to `.ioctl`'] } },
        { line: 5, fix: { applicability: 'maybe-incorrect', caveat: ['the call to `.write`'] } },
        { line: 8, fix: { applicability: 'maybe-incorrect', caveat: ['the call to `.write`'] } },
        // A temporary is a local of the wrapper.
        { line: 11, fix: null, help: ['`&v.to_le_bytes()` borrows a local of the wrapper'] },
      ],
    },
    {
      name: 'a method of an #[async_trait] impl: no fix, the macro needs `async fn`',
      code: '#[async_trait]\nimpl Read for Tcp {\n    async fn read(&mut self) -> u8 {\n        inner().await\n    }\n}',
      findings: [{ line: 3, fix: null, help: ['`#[async_trait]` on the impl'] }],
    },
    {
      name: "a trait's own default method: no fix, rewriting it would change every impl",
      code: 'trait Read {\n    async fn read(&mut self) -> u8 {\n        inner().await\n    }\n}',
      findings: [{ line: 2, fix: null, help: ["the trait's own declaration"] }],
    },
    {
      // Embassy has 116 fns of this shape: the tail is a statement in a fn returning `()`.
      name: 'tail await as a statement',
      code: 'impl Pin {\n    pub async fn wait_for_low(&mut self) {\n        self.pin.wait_for_low().await;\n    }\n}',
      findings: [
        {
          line: 2,
          message: '`async fn wait_for_low` only awaits `self.pin.wait_for_low()`',
          fix: { applicability: 'maybe-incorrect', caveat: ['the call to `.wait_for_low`'] },
        },
      ],
    },
    {
      name: 'await of a future it was given',
      code: 'async fn f(fut: F) -> u8 {\n    fut.await\n}',
      findings: [{ line: 1, message: '`async fn f` only awaits `fut`', fix: null }],
    },
    {
      name: 'an attribute macro asyncbloat does not know: the finding stays, without a fix, saying why',
      code: '#[tracing::instrument]\nasync fn f(x: u8) -> u8 {\n    inner(x).await\n}',
      findings: [
        {
          line: 2,
          help: ['`#[tracing::instrument]` is an attribute macro asyncbloat does not know'],
          fix: null,
        },
      ],
    },
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
        // `send_byte` forwards to `tick()` in statement form.
        {
          line: 1,
          item: 'send_byte',
          fix: { applicability: 'maybe-incorrect', caveat: ['the call to `tick`'] },
        },
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

describe('editions', () => {
  const code =
    "struct Dev<'a> {\n    bus: &'a mut Bus,\n}\nimpl<'a> Dev<'a> {\n    async fn read(&mut self) -> u8 {\n        read_bus(self.bus).await\n    }\n}\nasync fn read_bus(b: &mut Bus) -> u8 {\n    b.tick().await;\n    1\n}\n";
  it("edition 2021: an impl's lifetimes stop the rewrite, and the help names `+ '_`", async () => {
    const [f] = await findingsOf(singleAwaitWrapper, code, 'src/lib.rs', '2021');
    assert.equal(f?.fix, undefined);
    assert.match(f!.help, /-> impl Future<Output = u8> \+ '_ \{/);
  });
  it('edition 2024: the returned future captures them; the rewrite is offered', async () => {
    const [f] = await findingsOf(singleAwaitWrapper, code, 'src/lib.rs', '2024');
    assert.ok(f?.fix, f?.help);
    assert.match(f!.help, /-> impl Future<Output = u8> \{/);
    assert.match(f!.help, /edition 2024 captures their lifetimes/);
  });
  it('a where clause is kept in the suggested signature, on one line', async () => {
    const [f] = await findingsOf(
      singleAwaitWrapper,
      'async fn fwd<T>(t: T) -> u8\nwhere\n    T: Clone,\n{\n    inner(t).await\n}\n',
    );
    assert.match(f!.help, /-> impl Future<Output = u8> where T: Clone \{ inner\(t\) \}/);
  });
});

describe('a body that leaves early', () => {
  it('shows no plain-fn body with the `?` in it (that code would not compile)', async () => {
    const [f] = await findingsOf(
      singleAwaitWrapper,
      'pub async fn get(url: Url) -> Result<Response> {\n    Client::builder().build()?.get(url).send().await\n}\n',
    );
    assert.ok(f, 'still a wrapper: its state machine only forwards to the inner future');
    assert.doesNotMatch(f.help, /\{ Client::builder\(\)\.build\(\)\?/);
    assert.match(f.help, /Either::Left/);
  });
});

describe('code quoted in the message', () => {
  it('leaves out comments, which on one line would seem to hide the code after them (sqlx)', async () => {
    const [f] = await findingsOf(
      singleAwaitWrapper,
      'async fn recv(&mut self) -> u8 {\n    self.inner.try_read(|buf| {\n        // all packets start with a header\n        let h = buf.get(0);\n        h\n    }).await\n}\n',
    );
    assert.ok(f);
    assert.doesNotMatch(f.message, /\/\//);
    assert.match(f.message, /`self\.inner\.try_read\(\|buf\| \{let h = buf\.get\(0\);/);
  });
  it('keeps a `//` inside a string, and puts a space between words of two lines', async () => {
    const [f] = await findingsOf(
      singleAwaitWrapper,
      'async fn get(c: &Client) -> u8 {\n    c.fetch("http://x",\n        1).await\n}\n',
    );
    assert.match(f!.message, /`c\.fetch\("http:\/\/x", 1\)`/);
  });
});

describe('the suggested signature', () => {
  it('writes parameters and generics rustfmt spread over lines on one line, as rustfmt would join them', async () => {
    // actix-web's test server: `pub async fn ws(\n    &mut self,\n) -> ..` was suggested as `fn ws( &mut self, )`.
    const [f] = await findingsOf(
      singleAwaitWrapper,
      'impl Srv {\n    pub async fn ws<\n        T: Clone, // the codec\n    >(\n        &mut self,\n        t: T,\n    ) -> u8 {\n        self.ws_at("/", t).await\n    }\n}\n',
    );
    assert.match(f!.help, /`fn ws<T: Clone>\(&mut self, t: T\) -> impl Future<Output = u8>/);
  });
});
