// SMP test configuration files, read for `perf apply -f` and `perf profile create -f`.
import { readFile } from 'node:fs/promises';
import { UsageError, errnoCode } from '../../core/errors.js';

/** Reads and parses an SMP test configuration file (the yaml package loads only here). */
export async function importSmpFile(path: string) {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${path}: ${errnoCode(err) === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      {
        hint: 'check the path given to -f',
      },
    );
  }
  const { parseSmpConfig } = await import('../../perf/profile/smp-import.js');
  return parseSmpConfig(source, path);
}
