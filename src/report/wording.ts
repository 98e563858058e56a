// Phrases that several outputs (terminal, HTML page) must say the same way.

/** A future whose poll fn has no symbol of its own: which of the two it is, the symbol table cannot tell. */
export const NO_POLL_FN = 'no poll fn symbol (inlined into a caller, or never polled)';
