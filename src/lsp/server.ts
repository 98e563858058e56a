// `asyncbloat lsp`: a language server over stdio, on Microsoft's `vscode-languageserver`. Hovers and inlay
// hints show rustc's numbers for each async item from the last `analyze` (marked stale when the file changed
// since); diagnostics and code actions are `scan`'s rules on the open text, live. The `asyncbloat.analyze`
// command rebuilds in the background with work-done progress, then refreshes the hints.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CodeAction,
  CodeActionKind,
  type Connection,
  createConnection,
  type Diagnostic,
  DiagnosticSeverity,
  type Hover,
  type InlayHint,
  MarkupKind,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeWithDirs } from '../analyze/index.ts';
import { saveLastResult } from '../analyze/last-result.ts';
import type { BudgetConfig } from '../budget/config.ts';
import { loadBudgetConfig } from '../budget/config-load.ts';
import { itemMatches } from '../budget/item-glob.ts';
import type { Finding } from '../model/finding.ts';
import type { AnalyzedItem } from '../model/report.ts';
import { ruleHelpUri } from '../report/sarif.ts';
import { type CrateSources, crateSources } from '../scan/crate-sources.ts';
import { DocumentTrees, itemAt, type ScannedDocument, scanDocument } from './document.ts';
import { hintLabel, hoverMarkdown, STALE_NOTE } from './hover.ts';
import { isStale, itemsOfFile, type ResultLookup, Workspace } from './workspace.ts';

export const ANALYZE_COMMAND = 'asyncbloat.analyze';

/** Futures over this size get a marked hint when no budget says otherwise. */
const LARGE_FUTURE = 1024;

interface ServerOptions {
  /** Run the analysis when a Rust file is saved (initializationOptions.analyzeOnSave); off by default. */
  analyzeOnSave: boolean;
}

/** The max-future-bytes that applies to an item, from the crate's configuration (none when unreadable). */
function futureLimits(crateDir: string): (item: AnalyzedItem) => number | undefined {
  let config: BudgetConfig | undefined;
  try {
    config = loadBudgetConfig(crateDir);
  } catch {
    // An invalid configuration is `check`'s to report; hints fall back to the default mark.
  }
  return (item) =>
    config?.budgets.find((b) => b.maxFutureBytes !== undefined && itemMatches(b.item, item))
      ?.maxFutureBytes ?? config?.maxFutureBytes;
}

/** The server on a pair of streams (the CLI passes stdin and stdout, as editors start it). */
export function startStreamServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void {
  startServer(createConnection(ProposedFeatures.all, input, output));
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  const scanned = new Map<string, Promise<ScannedDocument | undefined>>();
  const trees = new DocumentTrees();
  // Each crate's awaiting macros and module tree, read from its files once and again after a save (a macro
  // defined in the open document itself is found in its own text on every change).
  const crateSourcesByDir = new Map<string, Promise<CrateSources | undefined>>();
  const sourcesOf = (crateDir: string): Promise<CrateSources | undefined> => {
    let m = crateSourcesByDir.get(crateDir);
    if (!m) {
      m = crateSources(crateDir).catch(() => undefined);
      crateSourcesByDir.set(crateDir, m);
    }
    return m;
  };
  const warned = new Set<string>();
  const options: ServerOptions = { analyzeOnSave: false };

  // A notification, not `window/showMessageRequest`: nothing to answer, and every client shows it.
  const showMessage = (type: MessageType, message: string) =>
    void connection.sendNotification(ShowMessageNotification.type, { type, message });

  const pathOf = (uri: string): string | undefined => {
    try {
      return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    } catch {
      return undefined;
    }
  };
  /** Says an error once per document and reason: a missing result is worth one message, not one per hover. */
  const warnOnce = (uri: string, message: string) => {
    const key = `${uri}\0${message}`;
    if (warned.has(key)) return;
    warned.add(key);
    showMessage(MessageType.Warning, `asyncbloat: ${message}`);
  };

  const scanOf = (doc: TextDocument): Promise<ScannedDocument | undefined> => {
    let p = scanned.get(`${doc.uri}@${doc.version}`);
    if (!p) {
      const path = pathOf(doc.uri);
      const crate = path ? workspace.crateOf(path) : undefined;
      p = crate
        ? crate
            .then(async (c) =>
              scanDocument(
                path!,
                doc.getText(),
                c.crateDir,
                { cache: trees, uri: doc.uri },
                await sourcesOf(c.crateDir),
              ),
            )
            .catch(() => undefined)
        : Promise.resolve(undefined);
      for (const k of scanned.keys()) if (k.startsWith(`${doc.uri}@`)) scanned.delete(k);
      scanned.set(`${doc.uri}@${doc.version}`, p);
    }
    return p;
  };

  const publishDiagnostics = async (doc: TextDocument) => {
    const s = await scanOf(doc);
    if (!s) {
      if (!pathOf(doc.uri) || !workspace.crateOf(pathOf(doc.uri)!))
        warnOnce(doc.uri, `${doc.uri} is not inside a cargo package: no diagnostics or sizes for it`);
      return;
    }
    const diagnostics: Diagnostic[] = s.findings.map((f, k) => ({
      range: {
        start: { line: f.line - 1, character: f.column - 1 },
        end: { line: f.endLine - 1, character: f.endColumn - 1 },
      },
      severity: f.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: f.rule,
      codeDescription: { href: ruleHelpUri(f.rule) },
      source: 'asyncbloat',
      message: `${f.message}\nhelp: ${f.help}`,
      data: k,
    }));
    await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  };

  /** The report item a source item is, by name first (lines move when the file changes), then by line. */
  const reportItem = (items: AnalyzedItem[], name: string, line: number): AnalyzedItem | undefined =>
    items.find((i) => i.name === name) ?? items.find((i) => i.line === line);

  const lookup = async (doc: TextDocument): Promise<{ path: string; found: ResultLookup } | undefined> => {
    const path = pathOf(doc.uri);
    return path ? { path, found: await workspace.resultFor(path) } : undefined;
  };

  connection.onInitialize((params) => {
    const init = params.initializationOptions as { analyzeOnSave?: unknown } | undefined;
    options.analyzeOnSave = init?.analyzeOnSave === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: true },
        hoverProvider: true,
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        executeCommandProvider: { commands: [ANALYZE_COMMAND] },
      },
      serverInfo: { name: 'asyncbloat' },
    };
  });

  documents.onDidOpen((e) => void publishDiagnostics(e.document));
  documents.onDidChangeContent((e) => void publishDiagnostics(e.document));
  documents.onDidClose((e) => {
    trees.close(e.document.uri);
    for (const k of scanned.keys()) if (k.startsWith(`${e.document.uri}@`)) scanned.delete(k);
  });
  documents.onDidSave((e) => {
    crateSourcesByDir.clear();
    if (options.analyzeOnSave) void runAnalysis(e.document.uri);
  });

  connection.onHover(async (params): Promise<Hover | null> => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const s = await scanOf(doc);
    const item = s && itemAt(s.items, params.position.line, params.position.character);
    if (!item) return null;
    const l = await lookup(doc);
    if (!l) return null;
    if ('error' in l.found) {
      const help = l.found.help ? `\n\n${l.found.help}` : '';
      return { contents: { kind: MarkupKind.Markdown, value: `asyncbloat: ${l.found.error}${help}` } };
    }
    const analysed = reportItem(itemsOfFile(l.found.result, l.path), item.name, item.line);
    if (!analysed)
      return {
        contents: {
          kind: MarkupKind.Markdown,
          value: `asyncbloat: \`${item.name}\` is not in the last analysis (not compiled in that build, or added since)`,
        },
      };
    const stale = isStale(l.found.result, l.path, doc.getText());
    const findings = s.findings.filter((f) => f.item === item.name);
    return { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(analysed, findings, stale) } };
  });

  connection.languages.inlayHint.on(async (params): Promise<InlayHint[]> => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const [s, l] = await Promise.all([scanOf(doc), lookup(doc)]);
    if (!s || !l) return [];
    if ('error' in l.found) {
      warnOnce(doc.uri, `${l.found.error}${l.found.help ? `; ${l.found.help}` : ''}`);
      return [];
    }
    const items = itemsOfFile(l.found.result, l.path);
    const stale = isStale(l.found.result, l.path, doc.getText());
    const limitOf = futureLimits(l.found.crate.crateDir);
    const hints: InlayHint[] = [];
    for (const item of s.items) {
      const line = item.line - 1;
      if (line < params.range.start.line || line > params.range.end.line) continue;
      const analysed = reportItem(items, item.name, item.line);
      if (!analysed || analysed.futureBytes === null) continue;
      // Marked over the item's budget (max-future-bytes, per [[budget]] glob) when one is set, else over 1 KiB.
      const large = analysed.futureBytes > (limitOf(analysed) ?? LARGE_FUTURE);
      const lineEnd = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
      hints.push({
        position: { line, character: lineEnd.replace(/\r?\n$/, '').length },
        label: `${large ? '⚠ ' : ''}${hintLabel(analysed)}${stale ? ' (as of the last build)' : ''}`,
        paddingLeft: true,
        tooltip: { kind: MarkupKind.Markdown, value: stale ? STALE_NOTE : `\`${analysed.name}\`` },
      });
    }
    return hints;
  });

  connection.onCodeAction(async (params): Promise<CodeAction[]> => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const s = await scanOf(doc);
    if (!s) return [];
    const { start, end } = params.range;
    const overlaps = (f: Finding) => !(f.endLine - 1 < start.line || f.line - 1 > end.line);
    return s.findings
      .filter((f) => f.fix && overlaps(f))
      .map((f) => {
        const fix = f.fix!;
        const changes: Record<string, TextEdit[]> = {};
        for (const e of fix.edits) {
          const own = e.file === s.file;
          const target = own ? doc : otherDocument(resolve(s.crateDir, e.file));
          if (!target) continue;
          const uri = own ? doc.uri : target.uri;
          const list = changes[uri] ?? [];
          list.push({
            range: { start: target.positionAt(e.start), end: target.positionAt(e.end) },
            newText: e.text,
          });
          changes[uri] = list;
        }
        const eager = fix.applicability === 'maybe-incorrect';
        return {
          title: `${fix.description}${eager ? ` (maybe incorrect: ${fix.caveat ?? 'may change behaviour'})` : ''}`,
          kind: CodeActionKind.QuickFix,
          isPreferred: !eager,
          edit: { changes },
        };
      });
  });

  const otherDocument = (path: string): TextDocument | undefined => {
    const uri = pathToFileURL(path).href;
    const open = documents.get(uri);
    if (open) return open;
    try {
      return TextDocument.create(uri, 'rust', 0, readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  };

  const running = new Map<string, Promise<void>>();
  const runAnalysis = async (uri: string | undefined): Promise<void> => {
    const path = uri ? pathOf(uri) : undefined;
    const crate = path ? workspace.crateOf(path) : undefined;
    if (!crate) {
      showMessage(MessageType.Error, 'asyncbloat.analyze: open a Rust file of a cargo package first');
      return;
    }
    // The whole workspace: its members share one target dir and so one last result, which an analysis of
    // one member would replace with that member's items alone.
    const { workspaceRoot } = await crate;
    const already = running.get(workspaceRoot);
    if (already) return already;
    const job = (async () => {
      const progress = await connection.window.createWorkDoneProgress();
      progress.begin('asyncbloat analyze', 0, workspaceRoot, false);
      try {
        const { report, asyncbloatDir } = await analyzeWithDirs({
          cwd: workspaceRoot,
          workspace: true,
          log: (text) => {
            const line = text.trim().split('\n').at(-1);
            if (line) progress.report(line.slice(0, 120));
          },
        });
        const kept = saveLastResult(report, asyncbloatDir);
        if ('error' in kept) showMessage(MessageType.Warning, `asyncbloat: ${kept.error}`);
        await connection.languages.inlayHint.refresh().catch(() => {});
      } catch (e) {
        showMessage(MessageType.Error, `asyncbloat analyze failed: ${(e as Error).message}`);
      } finally {
        progress.done();
        running.delete(workspaceRoot);
      }
    })();
    running.set(workspaceRoot, job);
    return job;
  };

  connection.onExecuteCommand(async (params) => {
    if (params.command !== ANALYZE_COMMAND) return null;
    const uri = typeof params.arguments?.[0] === 'string' ? params.arguments[0] : documents.all()[0]?.uri;
    await runAnalysis(uri);
    return null;
  });

  documents.listen(connection);
  connection.listen();
}
