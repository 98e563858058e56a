// SARIF validation with Microsoft's SARIF multitool (npm devDependency @microsoft/sarif-multitool): the SARIF 2.1.0
// JSON schema plus its SARIF and GitHub-ingestion (GHxxxx) rule sets.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Log } from 'sarif';

/**
 * Path of an executable copy of the multitool's self-contained .NET binary. Its package's only install script is
 * `chmod u+x` of that file, which .npmrc's ignore-scripts=true skips, so the test makes its own executable copy.
 */
export function multitool(): string | undefined {
  let bin: string;
  try {
    const pkg = createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-linux/package.json');
    bin = join(dirname(pkg), 'Sarif.Multitool');
  } catch {
    return undefined;
  }
  if (!existsSync(bin)) return undefined;
  const copy = join(tmpdir(), `asyncbloat-sarif-multitool-${statSync(bin).size}`);
  if (!existsSync(copy) || statSync(copy).size !== statSync(bin).size) {
    // Test files run in parallel: each copies to its own name, the rename makes the copy appear whole.
    const part = `${copy}.${process.pid}.part`;
    copyFileSync(bin, part);
    chmodSync(part, 0o755);
    renameSync(part, copy);
  }
  return copy;
}

/** Runs `validate` and returns its results at error and warning level (notes are advice, e.g. "use AB1001 ids"). */
export function validate(tool: string, log: string): { ruleId: string; message: unknown }[] {
  const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-sarif-'));
  const input = join(dir, 'report.sarif');
  const output = join(dir, 'validation.sarif');
  writeFileSync(input, log);
  execFileSync(
    tool,
    ['validate', input, '-o', output, '--level', 'Error;Warning', '--rule-kind', 'Sarif;Gh', '--quiet'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    },
  );
  const result = JSON.parse(readFileSync(output, 'utf8')) as Log;
  rmSync(dir, { recursive: true, force: true });
  return (result.runs[0]!.results ?? []).map((r) => ({ ruleId: r.ruleId!, message: r.message.arguments }));
}
