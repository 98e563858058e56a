// One open document, scanned as `scan` scans a file: its async items (with their spans, for hovers and
// hints) and the rules' findings (diagnostics and code actions). Source only, in-process and fast.
import { relative, sep } from 'node:path';
import type { AsyncItem } from '../model/async-item.ts';
import type { Finding } from '../model/finding.ts';
import { dependencyNames, editionOf } from '../readers/cargo-edition.ts';
import { modulePathOf } from '../readers/rust-source/module-path.ts';
import { loadRustParser } from '../readers/rust-source/parser.ts';
import { RULES } from '../rules/index.ts';
import { analyzeFile } from '../scan/analyze-file.ts';

export interface ScannedDocument {
  items: AsyncItem[];
  findings: Finding[];
  /** The path rule findings and edits use: relative to the crate dir. */
  file: string;
  crateDir: string;
  parseErrors: boolean;
}

export async function scanDocument(path: string, text: string, crateDir: string): Promise<ScannedDocument> {
  const parser = await loadRustParser();
  const file = relative(crateDir, path).split(sep).join('/');
  const r = analyzeFile(
    parser,
    text,
    file,
    modulePathOf(file),
    RULES,
    editionOf(crateDir),
    dependencyNames(crateDir),
  );
  return { items: r.items, findings: r.findings, file, crateDir, parseErrors: r.parseErrors };
}

/** The innermost item whose first line holds the 0-based position, at or after the item's start. */
export function itemAt(items: AsyncItem[], line: number, character: number): AsyncItem | undefined {
  let best: AsyncItem | undefined;
  for (const i of items) {
    if (line !== i.line - 1 || character < i.column - 1) continue;
    if (i.endLine - 1 === line && character > i.endColumn - 1) continue;
    if (!best || i.byteEnd - i.byteStart < best.byteEnd - best.byteStart) best = i;
  }
  return best;
}
