// Finds the budgets for a crate or workspace on disk (see the precedence at the top of config.ts and in
// docs/ci.md) and layers package settings over workspace settings.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../cli/errors.ts';
import {
  type BudgetConfig,
  cargoTable,
  emptyConfig,
  isTable,
  layerConfigs,
  parseConfigText,
  parseToml,
  readText,
} from './config.ts';

function workspaceRoot(crateDir: string): string | undefined {
  for (let dir = dirname(crateDir); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'Cargo.toml');
    if (!existsSync(manifest)) continue;
    const doc = parseToml(readText(manifest), manifest);
    if (isTable(doc.workspace)) return manifest;
  }
  return undefined;
}

/** Finds and reads the budgets for the crate or workspace at `dir` (precedence: top of config.ts, docs/ci.md). */
export function loadBudgetConfig(dir: string, configFile?: string): BudgetConfig {
  if (configFile) return parseConfigText(readText(configFile), configFile);
  // Paths stay as the user wrote them (relative stays relative) so messages match what they typed.
  const manifest = join(dir, 'Cargo.toml');
  const own = join(dir, 'asyncbloat.toml');
  const manifestText = existsSync(manifest) ? readText(manifest) : undefined;
  const manifestConfig = manifestText === undefined ? undefined : parseConfigText(manifestText, manifest);
  if (existsSync(own)) {
    if (manifestConfig && manifestConfig.sources.length > 0) {
      throw new UserError(
        `asyncbloat is configured twice: in ${own} and in ${manifestConfig.sources.join(', ')}`,
        'keep one of them; asyncbloat.toml and Cargo.toml metadata are not merged',
      );
    }
    return parseConfigText(readText(own), own);
  }
  let config = manifestConfig ?? emptyConfig();
  const manifestDoc = manifestText === undefined ? {} : parseToml(manifestText, manifest);
  if (!isTable(manifestDoc.workspace)) {
    const ws = workspaceRoot(resolve(dir));
    if (ws) {
      const text = readText(ws);
      const wsConfig = cargoTable(parseToml(text, ws), text, ws, 'workspace.metadata.asyncbloat');
      if (wsConfig) config = layerConfigs(config, wsConfig);
    }
  }
  return config;
}
