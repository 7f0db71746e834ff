// Changes the provider has not accepted yet, one file per change under the state folder, numbered in
// the order they were made. Replayed in that order, each with the idempotency key it was first sent
// with, so a change the provider already applied (its answer lost) is not applied twice.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../../core/errors.js';
import { writeFileAtomic } from '../../../core/fs/atomic.js';
import { withFileLock } from '../../../core/fs/lock.js';
import type { DocumentKind } from '../../protocol/documents.js';

export interface OutboxChange {
  op: 'create' | 'update';
  kind: DocumentKind;
  id: string;
  name: string;
  data: unknown;
  /** The version an update was made on; unset when it follows an earlier queued change of the object. */
  baseVersion?: number;
  idempotencyKey: string;
  queuedAt: string;
}

export interface OutboxEntry extends OutboxChange {
  seq: number;
  file: string;
}

/** A replay can take a while on a slow network; other processes wait for it rather than take over. */
const LOCK = { timeoutMs: 120_000, staleMs: 15 * 60_000 };

export class Outbox {
  constructor(readonly dir: string) {}

  /** Runs work while no other process reads or changes this outbox. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return withFileLock(join(this.dir, 'outbox'), work, LOCK);
  }

  async entries(): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw err;
    }
    const entries: OutboxEntry[] = [];
    for (const name of names.filter((n) => /^\d{12}\.json$/.test(n)).sort()) {
      const file = join(this.dir, name);
      try {
        const change = JSON.parse(await readFile(file, 'utf8')) as OutboxChange;
        entries.push({ ...change, seq: Number(name.slice(0, 12)), file });
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
      }
    }
    return entries;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.entries()).length === 0;
  }

  /** Appends a change; call inside exclusive(). */
  async append(change: OutboxChange): Promise<OutboxEntry> {
    const entries = await this.entries();
    const seq = (entries.at(-1)?.seq ?? 0) + 1;
    const file = join(this.dir, `${String(seq).padStart(12, '0')}.json`);
    await writeFileAtomic(file, JSON.stringify(change), { mode: 0o600, dirMode: 0o700 });
    return { ...change, seq, file };
  }

  async remove(entry: OutboxEntry): Promise<void> {
    await rm(entry.file, { force: true });
  }
}
