// A result kept as a file (e.g. `perf run -o json > a.json` in CI), read back for compare and gate.
import { readFile } from 'node:fs/promises';
import { UsageError, errnoCode } from '../../core/errors.js';
import type { PerfResult } from './model.js';

export async function readResultFile(path: string): Promise<PerfResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${path}: ${errnoCode(err) === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  let doc: unknown;
  try {
    doc = text.trimStart().startsWith('{')
      ? JSON.parse(text)
      : (await import('./yaml-parse.js')).parseYaml(text);
  } catch (err) {
    throw new UsageError(`${path}: not a JSON or YAML document (${(err as Error).message.split('\n')[0]})`);
  }
  const r = doc as Partial<PerfResult> | null;
  if (!r || r.kind !== 'PerfResult' || typeof r.id !== 'string' || !r.latency || !r.errors) {
    throw new UsageError(`${path}: not a meshdeck result (expected kind: PerfResult)`, {
      hint: 'write one with: meshdeck perf run ... -o json > result.json',
    });
  }
  return r as PerfResult;
}
