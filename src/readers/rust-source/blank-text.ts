// Rust source with its line and block comments and the insides of its string and character literals
// replaced by spaces (newlines kept, so offsets and line numbers stay): for the readers that match item
// shapes in the text without a parse (static declarations, macro definitions, module declarations).
// Character literals and raw strings are literals of their own: a `'"'` read as the start of a string
// would blank the code after it and read the strings after it as code; a `'}'` would unbalance braces.

const LITERAL_OR_COMMENT = new RegExp(
  [
    /\/\/[^\n]*/.source,
    /\/\*[\s\S]*?\*\//.source,
    // r"..", r#".."#, br".." (no escapes inside); not the r of an identifier ending in r.
    /(?<![A-Za-z0-9_])b?r(#*)"[\s\S]*?"\1/.source,
    /"(?:[^"\\]|\\[\s\S])*"/.source,
    // 'x', '\n', '\x7f', '\u{1F600}', b'"'; a lifetime ('a) has no closing quote.
    /'(?:[^'\\\n]|\\(?:x[0-9A-Fa-f]{2}|u\{[0-9A-Fa-f]{1,6}\}|[^\n]))'/.source,
  ].join('|'),
  'g',
);

export function blankCommentsAndStrings(text: string): string {
  // Most are one line (doc comments): one repeat is a quarter of the time of a replace per literal.
  return text.replace(LITERAL_OR_COMMENT, (c) =>
    c.includes('\n') ? c.replace(/[^\n]/g, ' ') : ' '.repeat(c.length),
  );
}

/** The text without its comments (each replaced by one space); string and character literals kept whole. */
export function withoutComments(text: string): string {
  return text.replace(LITERAL_OR_COMMENT, (c) => (c.startsWith('//') || c.startsWith('/*') ? ' ' : c));
}
