/**
 * An error the user can act on: the CLI prints it as `error: <message>` plus an optional `help:` line and
 * exits 2 (cli/exit-codes.ts). Anything else that escapes is a bug and is printed with its stack. Every
 * layer throws it; only the CLI knows about processes and exit codes.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** What a failed file operation says in a message: its errno code (`EACCES`), else the error's message. */
export const errorText = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;
