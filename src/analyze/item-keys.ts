// Keys that join one async body across the three places it shows up under different names: the source
// scan (`radio::Radio::send`, rustc-style start position), MIR (`<impl at src/radio.rs:3:5: 3:15>::send::{closure#0}`
// with a `{coroutine@src/radio.rs:4:51: ..}` span) and -Zprint-type-sizes (`{async fn body of radio::Radio::send()}`).
import { resolve } from 'node:path';

/** `file:line:col` of a coroutine's rustc span start, with the file made absolute against the build's cwd. */
export function spanKey(root: string, file: string, line: number, column: number): string {
  return `${resolve(root, file)}:${line}:${column}`;
}

/**
 * Normalises an item path for comparison: drops generic arguments (`gen<u32>` → `gen`), reduces a qualified
 * self type `<Svc as Service>` to `Svc`, and a leading `crate::`. Segments are returned innermost last.
 */
export function pathSegments(path: string): string[] {
  let s = path.replace(/^crate::/, '');
  // `<A as B>` → `A`; repeat for nesting.
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/<([^<>]*?) as [^<>]*>/g, '$1');
  }
  // Remove remaining generic argument lists, innermost first.
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/<[^<>]*>/g, '');
  }
  return s.split('::').filter((seg) => seg.length > 0);
}

/** The path inside `{async fn body of PATH()}`, or undefined for blocks and closures. */
export function asyncFnPath(typeName: string): string | undefined {
  const m = /^\{async fn body of (.*)\(\)\}$/.exec(typeName);
  return m ? m[1] : undefined;
}

/**
 * True when the compiler's path `printed` can name the source item `item`: equal, or a suffix of it (rustc
 * may trim leading module segments). Never the other way round: a longer printed path carries a crate or
 * module prefix the item does not have (`tokio::sync::mpsc::Sender<u32>::send` is not our `send`).
 */
export function namesItem(printed: string[], item: string[]): boolean {
  if (printed.length === 0 || printed.length > item.length) return false;
  for (let i = 1; i <= printed.length; i++)
    if (printed[printed.length - i] !== item[item.length - i]) return false;
  return true;
}

/** Identity of an item across versions and builds: crate, path and kind. */
export function itemKey(item: { crate: string; name: string; kind: string }): string {
  return `${item.crate}\u0000${item.name}\u0000${item.kind}`;
}
