// Label colours for the treemap, chosen by contrast (WCAG 2.x relative luminance): white on the palette's
// yellow was unreadable. Pure, so it is tested without a browser and bundled into the page script.

/** `#rgb`, `#rrggbb` or `#rrggbbaa` → [r, g, b, a] with channels 0–255 and alpha 0–1. */
export function parseHex(hex: string): [number, number, number, number] {
  let h = hex.replace(/^#/, '');
  if (h.length === 3) h = [...h].map((c) => c + c).join('');
  const n = (k: number) => Number.parseInt(h.slice(k, k + 2), 16);
  return [n(0), n(2), n(4), h.length === 8 ? n(6) / 255 : 1];
}

/** An overlay colour with alpha drawn over an opaque base, as the browser composites them. */
export function composite(overlay: string, base: string): string {
  const [r, g, b, a] = parseHex(overlay);
  const [R, G, B] = parseHex(base);
  const mix = (top: number, bottom: number) => Math.round(top * a + bottom * (1 - a));
  return `#${[mix(r, R), mix(g, G), mix(b, B)].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two opaque colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export const DARK_TEXT = '#000000';
export const LIGHT_TEXT = '#ffffff';

/** The text colour with more contrast on `fill` (opaque); for any fill it reaches WCAG AA's 4.5:1. */
export function labelColor(fill: string): string {
  return contrastRatio(DARK_TEXT, fill) >= contrastRatio(LIGHT_TEXT, fill) ? DARK_TEXT : LIGHT_TEXT;
}
