import { duplicateArmAwaits } from '../../src/rules/duplicate-arm-awaits/rule.ts';
import { ruleTester } from '../support/rule-tester.ts';

ruleTester(duplicateArmAwaits, {
  valid: [
    {
      // Only one of the two arms is compiled in any build.
      name: 'cfg-exclusive arms',
      code: 'async fn f(m: Mode) {\n    match m {\n        #[cfg(feature = "a")]\n        Mode::A => send(1).await,\n        #[cfg(not(feature = "a"))]\n        Mode::A => send(2).await,\n        _ => {}\n    }\n}',
    },
    {
      name: 'arms awaiting different callees',
      code: 'async fn f(c: u8) -> u8 {\n    match c {\n        0 => a(1).await,\n        _ => b(2).await,\n    }\n}',
    },
    {
      name: 'same method on different receivers',
      code: 'async fn f(c: u8) {\n    match c {\n        0 => tx.send(1).await,\n        _ => rx.send(1).await,\n    }\n}',
    },
    {
      name: 'only one arm awaits',
      code: 'async fn f(c: u8) -> u8 {\n    match c {\n        0 => a(1).await,\n        _ => { let x = a(2).await; x }\n    }\n}',
    },
    {
      name: 'awaits inside a macro are not arm endings',
      code: 'async fn f(c: u8) {\n    match c {\n        0 => { dbg!(a(1).await); }\n        _ => { dbg!(a(2).await); }\n    }\n}',
    },
    {
      name: 'if without duplicate',
      code: 'async fn f(c: bool) -> u8 {\n    if c { a(1).await } else { b(1).await }\n}',
    },
  ],
  invalid: [
    {
      name: 'statement forms: let _ =, _ =, ?, .unwrap(), .map_err(E)?',
      code: 'async fn f(c: u8) -> Result<(), E> {\n    match c {\n        0 => { let _ = tx.send(0).await; }\n        1 => { _ = tx.send(1).await; }\n        2 => { tx.send(2).await?; }\n        3 => { tx.send(3).await.unwrap(); }\n        _ => { tx.send(4).await.map_err(E::from)?; }\n    }\n    Ok(())\n}',
      findings: [{ line: 2, message: '5 arms of this `match` await `tx.send(..)`' }],
    },
    {
      name: 'not every arm awaits: the advice is an Option, not adding the call to the other arms',
      code: 'async fn f(c: u8) {\n    match c {\n        0 => send(0).await,\n        1 => send(1).await,\n        _ => log(),\n    }\n}',
      findings: [{ line: 2, help: ['not every branch awaits it', 'if let Some(args) = args'] }],
    },
    {
      name: 'identical calls: await once, nothing to compute',
      code: 'async fn f(c: bool) {\n    if c {\n        a();\n        flush().await\n    } else {\n        b();\n        flush().await\n    }\n}',
      findings: [{ line: 2, help: ['every branch awaits the same call'] }],
    },
    {
      name: 'match arms, expression and block forms',
      code: 'async fn f(c: u8) -> u8 {\n    match c {\n        0 => send(1, c).await,\n        1 => {\n            let b = c * 2;\n            send(2, b).await\n        }\n        _ => 0,\n    }\n}',
      findings: [
        {
          line: 2,
          column: 5,
          endLine: 2,
          endColumn: 12,
          message: '2 arms of this `match` await `send(..)`',
          help: ['await once', 'send(args).await'],
          item: 'f',
          // The block arm does more than await the call.
          fix: null,
        },
      ],
    },
    {
      name: 'if / else if / else chain, reported once at its head',
      code: 'async fn f(c: u8) {\n    if c == 0 {\n        self.radio.send(0).await;\n    } else if c == 1 {\n        self.radio.send(1).await;\n    } else {\n        self.radio.send(2).await?;\n    }\n}',
      findings: [
        { line: 2, column: 5, message: '3 branches of this `if` chain await `self.radio.send(..)`' },
      ],
    },
    {
      name: 'path callee with turbofish',
      code: 'async fn f(c: u8) {\n    match c {\n        0 => io::write::<u8>(1).await,\n        _ => io::write::<u8>(2).await,\n    }\n}',
      // Hoisting keeps the evaluation order, so the fix is machine-applicable, with no caveat.
      findings: [{ line: 2, message: 'await `io::write(..)`', fix: { applicability: 'machine-applicable' } }],
    },
    {
      name: 'arguments with calls in the branches are still evaluated in their branch: machine-applicable',
      code: 'async fn f(c: u8) {\n    if c == 0 {\n        tx.send(next()).await;\n    } else {\n        tx.send(later()).await;\n    }\n}',
      findings: [{ line: 2, fix: { applicability: 'machine-applicable' } }],
    },
    {
      // Rather than a maybe-incorrect fix, the rewrite refuses when evaluation order would change.
      name: 'a shared argument with effects before the differing one: no fix',
      code: 'async fn f(k: bool) -> u32 {\n    match k {\n        true => send2(next(), 1).await,\n        false => send2(next(), 2).await,\n    }\n}',
      findings: [
        {
          line: 2,
          fix: null,
          help: ['not fixable: an argument before the differing one would be evaluated before the condition'],
        },
      ],
    },
    {
      name: 'inside a nested async block, attributed to it',
      code: 'fn f(c: u8) -> impl Future {\n    async move {\n        match c {\n            0 => g(0).await,\n            _ => g(1).await,\n        }\n    }\n}',
      findings: [{ line: 3, column: 9, item: 'f::{async block#0}' }],
    },
  ],
});
