// Colours for the human outputs: every renderer takes a `Colors` (picocolors' functions, or no-ops), so
// what is coloured is decided once, by the CLI, from --color, NO_COLOR and whether the output is a file.
import pc from 'picocolors';

export type ColorChoice = 'auto' | 'always' | 'never';
export type Colors = ReturnType<typeof pc.createColors>;

/** picocolors decides `auto` itself (TTY, NO_COLOR, FORCE_COLOR); always/never override it. */
export function colors(choice: ColorChoice = 'auto'): Colors {
  if (choice === 'auto') return pc;
  return pc.createColors(choice === 'always');
}

/**
 * Colours for a command's main output: `auto` never colours a file written with `-o` (as cargo does not
 * colour what it does not print to a terminal); an explicit `always` or `never` is obeyed either way.
 */
export function outputColors(choice: ColorChoice, outFile?: string): Colors {
  return colors(outFile && outFile !== '-' && choice === 'auto' ? 'never' : choice);
}
