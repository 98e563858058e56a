// `asyncbloat lsp`: the language server on stdin/stdout (src/lsp/server.ts). Editors start it; it runs
// until the client shuts it down.
import type { Command } from 'commander';

export function registerLsp(program: Command): void {
  program
    .command('lsp')
    .description(
      'language server over stdio: future sizes on hover and as inlay hints (from the last analyze), live rule diagnostics and fixes',
    )
    // Clients that always pass `--stdio` (VS Code's language client) are accepted.
    .option('--stdio', 'talk over stdin/stdout (the default, and the only transport)')
    // Loaded when used: the protocol libraries are a third of the bundle, and `--help` (which registers every
    // command, cli/program.ts) would pay for them.
    .action(async () => {
      (await import('../../lsp/server.ts')).startStreamServer(process.stdin, process.stdout);
    });
}
