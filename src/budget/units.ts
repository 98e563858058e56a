// Budget quantities as users write them in TOML: byte sizes (`512`, `"64 B"`, `"4 KiB"`) and percentages
// (`"10%"`). Parsers return null on malformed input so the config reader can name the key in its error.

export type Growth = { bytes: number } | { percent: number };

const UNITS: Record<string, number> = { b: 1, kib: 1024, kb: 1000, mib: 1024 * 1024, mb: 1000 * 1000 };

/** A non-negative whole number of bytes: a TOML integer or a string with a unit (B, KiB, KB, MiB, MB). */
export function parseByteSize(value: unknown): number | null {
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= 0 ? n : null;
  }
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) return null;
  const unit = UNITS[(m[2] || 'b').toLowerCase()];
  if (unit === undefined) return null;
  const n = Number(m[1]) * unit;
  return Number.isSafeInteger(n) ? n : null;
}

/** `"12.5%"` → 12.5. Only strings with a `%` sign, so that `0.05` cannot be misread as 5 %. */
export function parsePercent(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  return m ? Number(m[1]) : null;
}

/** `"64 B"`, `"1 KiB"` or `"10%"`. */
export function parseGrowth(value: unknown): Growth | null {
  const percent = parsePercent(value);
  if (percent !== null) return { percent };
  const bytes = parseByteSize(value);
  return bytes === null ? null : { bytes };
}

export function formatGrowth(g: Growth): string {
  return 'bytes' in g ? `${g.bytes} B` : `${g.percent}%`;
}

export function signedBytes(n: number): string {
  return n > 0 ? `+${n} B` : n < 0 ? `\u2212${-n} B` : '0 B';
}
