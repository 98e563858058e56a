// Exit codes follow cargo/clippy: 0 clean, 1 findings at error level or a broken budget, 2 usage or I/O error.
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;
