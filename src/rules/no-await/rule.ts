// An async body with no `.await` at its own level still becomes a coroutine: a 3-state machine
// (Unresumed/Returned/Panicked) with a poll fn and two panic paths, all for a value it could return directly.

import type { AsyncItem } from '../../model/async-item.ts';
import { blankCommentsAndStrings } from '../../readers/rust-source/blank-text.ts';
import type { Node } from '../../readers/rust-source/parser.ts';
import { classifyAttributes, unknownAttributeNote } from '../attributes.ts';
import { bodyEffect, expressionEffect } from '../effects.ts';
import { underAsyncTrait, withRewrite } from '../rewrite-common.ts';
import type { Report, Rule, RuleContext } from '../rule.ts';
import { fnHeader, outerAttributes, plainSignature, returnType, whereClause } from '../syntax.ts';
import { rewriteNoAwaitReady } from './rewrite.ts';

export const noAwait: Rule = {
  meta: {
    id: 'no-await',
    description: 'async fn, block or closure that never awaits',
    docs:
      'An `async` body with no `.await` of its own still compiles to a coroutine: a state machine with ' +
      'Unresumed, Returned and Panicked states, a poll function and panic paths for being polled after ' +
      'completion or after a panic. Nothing is ever suspended, so all of that buys nothing. Return the value ' +
      'directly, or `core::future::ready(value)` where a `Future` is required. `.await`s inside a nested async ' +
      'block or closure belong to that body, not to the outer one. The fix (for an `async fn`) is ' +
      'machine-applicable when the body only computes a value or every caller awaits the call at once; when ' +
      'the body has effects that would move from the first poll to the call, it is maybe-incorrect and ' +
      '`fix --write` applies it only with `--allow-eager`.',
    defaultLevel: 'warning',
    fixable: true,
  },
  check(ctx) {
    let code: string | undefined;
    for (const item of ctx.items) {
      if (item.awaits > 0) continue;
      const node = ctx.nodeOf(item);
      // An attribute macro that needs `async fn` (an embassy task, `#[tokio::main]`): nothing to rewrite.
      const attrs = item.kind === 'async-fn' ? classifyAttributes(outerAttributes(node)) : {};
      if (attrs.requires) continue;
      // A private fn whose file names it other than in a call (`.route(get(handler))`), or that an unknown
      // attribute macro wraps (actix's `#[get("/")]` registers it as a handler): such a use needs a fn that
      // returns a future, so dropping `async` would break it.
      let keep: string | undefined;
      if (dropsAsyncAtCallers(item, node) && item.fnName) {
        code ??= blankCommentsAndStrings(ctx.text);
        const line = nameOutsideCalls(code, item.fnName, ctx.lines);
        if (line !== undefined) keep = `line ${line} names \`${item.fnName}\` other than in a call`;
        else if (attrs.unknown)
          keep = `the attribute macro \`#[${attrs.unknown}]\` may pass it on as a value`;
      }
      const report = describe(item, node, keep);
      if (!report) continue;
      if (attrs.unknown) {
        ctx.report({
          ...report,
          help: `${report.help}; ${unknownAttributeNote(attrs.unknown)}`,
          noFix: `the attribute macro \`#[${attrs.unknown}]\` may need \`async fn\``,
        });
        continue;
      }
      let fix = item.kind === 'async-fn' ? rewriteNoAwaitReady(node, ctx.file, ctx.text) : undefined;
      // The help of a private free fn says to drop `async` at the callers, which needs every file of the
      // crate: `fix` does it when it finds every call site (fix/no-await-callers.ts). What this one file
      // can offer is the ready(..) rewrite; its description says which `fix` will apply.
      if (fix && 'fix' in fix && dropsAsyncAtCallers(item, node) && keep === undefined)
        fix = {
          fix: {
            ...fix.fix,
            description: `${fix.fix.description}${CALLERS_NOTE}`,
          },
        };
      ctx.report(withRewrite(report, fix));
    }
  },
};

/** Said of the ready(..) rewrite of a private fn: `fix` may apply another one (and then drops this note). */
export const CALLERS_NOTE =
  '; `asyncbloat fix` drops `async` and the `.await`s at the call sites instead when it finds them all in the crate';

/** The case whose help recommends dropping `async` at the callers (see describe). */
function dropsAsyncAtCallers(item: AsyncItem, node: Node): boolean {
  return (
    item.kind === 'async-fn' &&
    !underAsyncTrait(node) &&
    item.placement !== 'trait-impl' &&
    item.placement !== 'trait-default' &&
    !item.isPublic
  );
}

/** What making the body eager changes: `effect` is the first effect in it (effects.ts), as the fix's caveat. */
function eagerNote(effect: string | undefined): string {
  if (!effect) {
    return 'the body only computes a value, so running it at the call instead of at the first poll changes nothing';
  }
  return (
    `without \`async\` the body runs when called, not when first polled: ${effect} moves earlier and happens ` +
    'even if the future is never polled; keep `async` if that ordering matters'
  );
}

/**
 * The line of the first place the file names `name` other than to call it (`name(..)`, `name::<T>(..)`),
 * a method or a field of that name (`.name`) or its definition (`fn name`); undefined when there is none.
 * Read from the text with comments and literals blanked; a local of the same name counts too, which only
 * makes the advice keep the fn's signature.
 */
function nameOutsideCalls(code: string, name: string, lines: RuleContext['lines']): number | undefined {
  const use = new RegExp(`(?<![\\w.]|\\bfn\\s{1,32})${name}\\b(?!\\s*(?:\\(|::\\s*<|!))`, 'g');
  const m = use.exec(code);
  return m ? lines.at(m.index).line : undefined;
}

function describe(item: AsyncItem, node: Node, keep?: string): Report | undefined {
  if (item.kind === 'async-fn') {
    const header = fnHeader(node);
    const effect = node.childForFieldName('body') ? bodyEffect(node) : 'the body';
    const sig = plainSignature(node);
    const ret = returnType(node);
    const ready = `\`${sig} -> impl Future<Output = ${ret}>${whereClause(node)} { core::future::ready(..) }\``;
    let help: string;
    if (underAsyncTrait(node)) {
      help =
        '`#[async_trait]` turns this method into one returning `Pin<Box<dyn Future + Send>>`, so every call ' +
        'allocates a box and the coroutine only adds its states and panic paths inside it; an `impl Future` ' +
        'signature does not fit there, and writing the boxed signature by hand (`Box::pin(core::future::ready(..))`) ' +
        'saves the coroutine but not the box';
    } else if (item.placement === 'trait-impl') {
      help =
        `the signature is fixed by the trait, but the impl may return a ready future: ${ready} ` +
        '(the body then runs when called, not when first polled)';
    } else if (item.placement === 'trait-default' || item.isPublic) {
      help = `keep the signature callers see and return a ready future: ${ready}; ${eagerNote(effect)}`;
    } else if (keep !== undefined) {
      help = `keep a signature that returns a future, as ${keep} (a handler or callback needs one): ${ready}; ${eagerNote(effect)}`;
    } else {
      help = `drop \`async\`: \`${sig}${ret === '()' ? '' : ` -> ${ret}`}${whereClause(node)}\` and remove \`.await\` at its call sites; ${eagerNote(effect)}`;
    }
    return {
      node,
      start: header.start,
      end: header.end,
      message: `\`async fn ${item.fnName}\` never awaits`,
      help,
      item,
    };
  }
  if (item.kind === 'async-block') {
    const body = node.type === 'async_block' ? node.namedChildren.find((c) => c.type === 'block') : undefined;
    const keywordEnd = body ? body.startIndex : node.endIndex;
    return {
      node,
      start: node.startIndex,
      end: node.startIndex + node.text.slice(0, keywordEnd - node.startIndex).trimEnd().length,
      message: 'async block never awaits',
      // Written inside a macro call (`assert!(spawn(async move { .. }))`), its body is tokens: not analysed,
      // so not called free of effects.
      help: `use \`core::future::ready(value)\` where a future is needed, or the value itself; ${eagerNote(body ? expressionEffect(body, node) : 'its body, written inside a macro call (not analysed),')}`,
      item,
    };
  }
  const body = node.childForFieldName('body');
  const headerEnd = body ? body.startIndex : node.endIndex;
  return {
    node,
    start: node.startIndex,
    end: node.startIndex + node.text.slice(0, headerEnd - node.startIndex).trimEnd().length,
    message: 'async closure never awaits',
    help: `use a plain closure returning \`core::future::ready(value)\` (or the value itself); ${eagerNote(body ? expressionEffect(body, node) : undefined)}`,
    item,
  };
}
