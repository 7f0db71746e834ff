// A small JSON file changed by several meshdeck processes: read without a lock (writes are atomic),
// changed under the file's lock.
import { readFile } from 'node:fs/promises';
import { errnoCode } from '../../../core/errors.js';
import { writeFileAtomic } from '../../../core/fs/atomic.js';
import { withFileLock } from '../../../core/fs/lock.js';

export class JsonFile<T> {
  constructor(
    readonly path: string,
    private readonly empty: () => T,
  ) {}

  async read(): Promise<T> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (err) {
      // Missing (never written, or the cache was deleted) or damaged: start from empty; it is rebuilt.
      if (errnoCode(err) === 'ENOENT' || err instanceof SyntaxError) return this.empty();
      throw err;
    }
  }

  async update<R>(change: (value: T) => R | Promise<R>): Promise<R> {
    return withFileLock(this.path, async () => {
      const value = await this.read();
      const result = await change(value);
      await writeFileAtomic(this.path, JSON.stringify(value), { mode: 0o600, dirMode: 0o700 });
      return result;
    });
  }
}
