// The validated config, cached by the exact content of the file it came from. Any edit changes the key, so a
// stale entry is never used; a missing or broken cache just means parsing again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeshdeckConfig } from './model.js';
import type { ConfigIssue } from './parse.js';

const FORMAT = 1;

export interface CachedConfig {
  config: MeshdeckConfig;
  warnings: ConfigIssue[];
  currentContextAt?: { line: number; col: number };
}

interface CacheFile extends CachedConfig {
  format: number;
  path: string;
  key: string;
}

function cacheFile(cacheDir: string): string {
  return join(cacheDir, 'config.parsed.json');
}

/** Two independent 32-bit string hashes and the length: cheap, and no crypto module at start-up. */
export function contentKey(source: string): string {
  let fnv = 0x811c9dc5;
  let djb = 5381;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    fnv = Math.imul(fnv ^ c, 0x01000193);
    djb = (Math.imul(djb, 33) + c) | 0;
  }
  return `${source.length}-${(fnv >>> 0).toString(16)}-${(djb >>> 0).toString(16)}`;
}

export async function readParsedCache(
  cacheDir: string,
  path: string,
  source: string,
): Promise<CachedConfig | undefined> {
  try {
    const entry = JSON.parse(readFileSync(cacheFile(cacheDir), 'utf8')) as CacheFile;
    if (entry.format !== FORMAT || entry.path !== path || entry.key !== contentKey(source)) return undefined;
    return { config: entry.config, warnings: entry.warnings, currentContextAt: entry.currentContextAt };
  } catch {
    return undefined;
  }
}

export async function writeParsedCache(
  cacheDir: string,
  path: string,
  source: string,
  value: CachedConfig,
): Promise<void> {
  const entry: CacheFile = { format: FORMAT, path, key: contentKey(source), ...value };
  try {
    const { writeFileAtomic } = await import('../fs/atomic.js');
    await writeFileAtomic(cacheFile(cacheDir), JSON.stringify(entry));
  } catch {
    // The cache is an optimisation; an unwritable cache folder must not fail the command.
  }
}
