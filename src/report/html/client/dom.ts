// DOM helpers for the report page. Every piece of data reaches the page through textContent or setAttribute,
// never through innerHTML: item names and source lines come from the user's crate and are untrusted.
const SVG_NS = 'http://www.w3.org/2000/svg';

type Child = Node | string | null | undefined | false;

function fill(el: Element, attrs: Record<string, string | number | undefined>, children: Child[]): void {
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
}

/** An HTML element; string children become text nodes (append() never parses markup). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  fill(el, attrs, children);
  return el;
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | undefined> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  fill(el, attrs, children);
  return el;
}

/** Exact bytes, as rustc prints them, with thousands separators: `4,176 B`. */
export function bytes(n: number | null | undefined): string {
  // Not toLocaleString: it goes through ICU and costs ~10 µs a call, too slow for 2,000-row tables.
  return n === null || n === undefined ? '–' : `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} B`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : String(n);
}

/** Width of `text` in the 11 px monospace labels (DejaVu Sans Mono: 0.602 em a character, rounded up). */
export function textWidth(text: string): number {
  return text.length * CHAR_PX;
}
const CHAR_PX = 7;

/** Cuts a label to fit `px` pixels, with `…`; '' when not even three characters fit. */
export function fitText(text: string, px: number): string {
  const max = Math.floor(px / CHAR_PX);
  if (max < 3) return '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Text with `code spans` (as rule messages write them) shown as <code>; everything stays a text node. */
export function richText(text: string): Node[] {
  return text
    .split('`')
    .map((part, k) => (k % 2 === 1 ? h('code', {}, part) : document.createTextNode(part)));
}
