// Exit codes follow cargo/clippy: 0 clean, 1 findings at error level or a broken budget, 2 usage or I/O error.
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/**
 * An error the user can act on: printed as `error: <message>` plus an optional `help:` line, then exit 2.
 * Anything else that escapes is a bug and is printed with its stack.
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
