// Loading config.yaml. Reading never writes the config; see update.ts for changes.
import { statSync } from 'node:fs';
import { readFileCappedSync, type CappedRead } from '../fs/read-capped-sync.js';
import { UsageError, errnoCode } from '../errors.js';
import { codeFrame, location } from '../output/frame.js';
import { readParsedCache, writeParsedCache } from './parsed-cache.js';
import type { MeshdeckConfig } from './model.js';
import type { ConfigIssue } from './parse.js';

export interface LoadedConfig {
  path: string;
  exists: boolean;
  config: MeshdeckConfig;
  warnings: ConfigIssue[];
  /** Where current-context is written, for messages about it. */
  currentContextAt?: { line: number; col: number };
}

/**
 * Reads and validates the config. A validated copy is kept in the cache folder, keyed by the file's
 * content, so most commands skip the YAML parser (a third of cold start) and stay correct when the file
 * changes; the cache can be deleted at any time.
 */
export async function loadConfig(path: string, cacheDir?: string): Promise<LoadedConfig> {
  const source = await readConfigSource(path);
  if (source === undefined) return { path, exists: false, config: { contexts: [] }, warnings: [] };
  if (cacheDir) {
    const cached = await readParsedCache(cacheDir, path, source);
    if (cached) return { path, exists: true, ...cached };
  }
  const { parseConfig } = await import('./parse.js');
  const parsed = parseConfig(source);
  if (parsed.errors.length > 0) throw configFileError(path, source, parsed.errors);
  const result = {
    config: parsed.config,
    warnings: parsed.warnings,
    currentContextAt: parsed.currentContextAt,
  };
  if (cacheDir) await writeParsedCache(cacheDir, path, source, result);
  return { path, exists: true, ...result };
}

/** A config file is a few KiB; anything past this is not one (MESHDECK_CONFIG=/dev/zero). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export async function readConfigSource(path: string): Promise<string | undefined> {
  let read: CappedRead;
  try {
    // A named pipe would block this thread (and Ctrl-C) until a writer came: the config is a file.
    if (statSync(path).isFIFO()) {
      throw new UsageError(`config file ${path} is a named pipe; meshdeck reads its config from a file`, {
        hint: 'point MESHDECK_CONFIG at a regular file',
      });
    }
    read = readFileCappedSync(path, MAX_CONFIG_BYTES);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = errnoCode(err);
    if (code === 'ENOENT') return undefined;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new UsageError(`cannot read config file ${path}: permission denied`, {
        hint: `make it readable by you (chmod u+r ${path}), or set MESHDECK_CONFIG to another file`,
        cause: err,
      });
    }
    if (code === 'EISDIR') {
      throw new UsageError(`config file ${path} is a folder, not a file`, {
        hint: 'move the folder aside, or set MESHDECK_CONFIG to a file',
        cause: err,
      });
    }
    if (code === 'ENOTDIR') {
      throw new UsageError(`config file ${path} cannot exist: a part of its path is a file`, { cause: err });
    }
    throw new UsageError(`cannot read config file ${path}: ${(err as Error).message}`, { cause: err });
  }
  if ('tooLarge' in read) {
    const size =
      read.tooLarge === undefined ? 'more than 16.0 MiB' : `${(read.tooLarge / 2 ** 20).toFixed(1)} MiB`;
    throw new UsageError(`config file ${path} is ${size}; a config file is at most 16.0 MiB`, {
      hint: 'check that MESHDECK_CONFIG (or the config folder) names the config file',
    });
  }
  return read.bytes.toString('utf8');
}

export function configFileError(path: string, source: string, issues: ConfigIssue[]): UsageError {
  const [first, ...rest] = issues;
  const details: string[] = [];
  if (first.line !== undefined) details.push(...codeFrame(source, first.line, first.col ?? 1));
  for (const issue of rest.slice(0, 9))
    details.push(`${location(path, issue.line, issue.col)}: ${issue.message}`);
  if (rest.length > 9) details.push(`... and ${rest.length - 9} more problems`);
  return new UsageError(`${location(path, first.line, first.col)}: ${first.message}`, {
    hint: first.hint ?? `fix the config file, then run the command again`,
    details,
  });
}

export function formatIssue(path: string, issue: ConfigIssue): string {
  return `${location(path, issue.line, issue.col)}: ${issue.message}`;
}
