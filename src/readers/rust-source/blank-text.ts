// Rust source with its line and block comments and the insides of its string literals replaced by
// spaces (newlines kept, so offsets and line numbers stay): for the readers that match item shapes in the
// text without a parse (static declarations, macro definitions).

export function blankCommentsAndStrings(text: string): string {
  return text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\[\s\S])*"/g, (c) => c.replace(/[^\n]/g, ' '));
}
