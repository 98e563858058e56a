// `asyncbloat lsp`: the language server on stdin/stdout (src/lsp/server.ts). Editors start it; it runs
// until the client shuts it down.
import type { Command } from 'commander';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../lsp/server.ts';

export function registerLsp(program: Command): void {
  program
    .command('lsp')
    .description(
      'language server over stdio: future sizes on hover and as inlay hints (from the last analyze), live rule diagnostics and fixes',
    )
    // Clients that always pass `--stdio` (VS Code's language client) are accepted.
    .option('--stdio', 'talk over stdin/stdout (the default, and the only transport)')
    .action(() => {
      startServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
    });
}
