// Changes the provider has not accepted yet, one file per change under the state folder, numbered in
// the order they were made. Replayed in that order, each with the idempotency key it was first sent
// with, so a change the provider already applied (its answer lost) is not applied twice. A change that
// can never be sent (a damaged file, one the provider keeps failing on) is set aside in the failed
// folder, so that it never blocks the others: `meshdeck sync --failed` lists them, --retry and --drop
// act on one.
import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

/** An outbox file that cannot be read as a change (truncated, edited by hand). */
export interface DamagedEntry {
  seq: number;
  file: string;
  problem: string;
}

/** A change set aside: its number in the outbox is its id. */
export interface FailedChange {
  id: string;
  reason: string;
  failedAt: string;
  /** The change itself; absent when its file could not be read. */
  change?: OutboxChange;
  /** The damaged file's text, kept for the user to look at. */
  raw?: string;
}

/** A replay can take a while on a slow network; other processes wait for it rather than take over. */
const LOCK = { timeoutMs: 120_000, staleMs: 15 * 60_000 };
const ENTRY_NAME = /^\d{12}\.json$/;
const FILE_MODES = { mode: 0o600, dirMode: 0o700 };

export class Outbox {
  constructor(
    readonly dir: string,
    readonly failedDir = join(dirname(dir), 'failed'),
  ) {}

  /** Runs work while no other process reads or changes this outbox. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return withFileLock(join(this.dir, 'outbox'), work, LOCK);
  }

  /** The queued changes in order, and the files that cannot be read as one. */
  async scan(): Promise<{ entries: OutboxEntry[]; damaged: DamagedEntry[] }> {
    const entries: OutboxEntry[] = [];
    const damaged: DamagedEntry[] = [];
    for (const name of (await listNames(this.dir)).filter((n) => ENTRY_NAME.test(n)).sort()) {
      const file = join(this.dir, name);
      const seq = Number(name.slice(0, 12));
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') continue;
        throw err;
      }
      const problem = changeProblem(text);
      if (problem) damaged.push({ seq, file, problem });
      else entries.push({ ...(JSON.parse(text) as OutboxChange), seq, file });
    }
    return { entries, damaged };
  }

  async entries(): Promise<OutboxEntry[]> {
    return (await this.scan()).entries;
  }

  async isEmpty(): Promise<boolean> {
    return (await listNames(this.dir)).every((n) => !ENTRY_NAME.test(n));
  }

  /** Appends a change; call inside exclusive(). */
  async append(change: OutboxChange): Promise<OutboxEntry> {
    // After every file, damaged ones included, so that none is overwritten.
    const last = (await listNames(this.dir))
      .filter((n) => ENTRY_NAME.test(n))
      .sort()
      .at(-1);
    const seq = (last ? Number(last.slice(0, 12)) : 0) + 1;
    const file = join(this.dir, `${String(seq).padStart(12, '0')}.json`);
    await writeFileAtomic(file, JSON.stringify(change), FILE_MODES);
    return { ...change, seq, file };
  }

  async remove(entry: { file: string }): Promise<void> {
    await rm(entry.file, { force: true });
  }

  /** Moves a change (or a damaged file) out of the queue into the failed folder; call inside exclusive(). */
  async setAside(entry: OutboxEntry | DamagedEntry, reason: string): Promise<FailedChange> {
    const failed: FailedChange = { id: String(entry.seq), reason, failedAt: new Date().toISOString() };
    if ('problem' in entry) failed.raw = await readFile(entry.file, 'utf8').catch(() => '');
    else failed.change = changeOf(entry);
    await writeFileAtomic(this.failedFile(failed.id), `${JSON.stringify(failed, null, 2)}\n`, FILE_MODES);
    await this.remove(entry);
    return failed;
  }

  /** The changes set aside, oldest first. */
  async failed(): Promise<FailedChange[]> {
    const out: FailedChange[] = [];
    for (const name of (await listNames(this.failedDir)).filter((n) => ENTRY_NAME.test(n)).sort()) {
      try {
        out.push(JSON.parse(await readFile(join(this.failedDir, name), 'utf8')) as FailedChange);
      } catch {
        out.push({ id: String(Number(name.slice(0, 12))), reason: 'unreadable record', failedAt: '' });
      }
    }
    return out;
  }

  /** Deletes a change set aside; false when there is none with that id. */
  async drop(id: string): Promise<boolean> {
    const file = this.failedFile(id);
    try {
      await rm(file);
      return true;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  /** Queues a change set aside again, at the end; call inside exclusive(). */
  async retry(id: string): Promise<OutboxEntry | 'unknown' | 'unreadable'> {
    const record = (await this.failed()).find((f) => f.id === normaliseId(id));
    if (!record) return 'unknown';
    if (!record.change) return 'unreadable';
    const entry = await this.append(record.change);
    await rm(this.failedFile(record.id), { force: true });
    return entry;
  }

  /** Records the base version an update is about to be sent with, so a retry sends the same request. */
  async pin(entry: OutboxEntry, baseVersion: number): Promise<void> {
    await writeFileAtomic(entry.file, JSON.stringify({ ...changeOf(entry), baseVersion }), FILE_MODES);
  }

  private failedFile(id: string): string {
    return join(this.failedDir, `${String(Number(normaliseId(id))).padStart(12, '0')}.json`);
  }
}

function normaliseId(id: string): string {
  return /^\d{1,12}$/.test(id) ? String(Number(id)) : id;
}

function changeOf(entry: OutboxEntry): OutboxChange {
  const { seq: _seq, file: _file, ...change } = entry;
  return change;
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}

/** What makes a file's text not a change, or undefined when it is one. */
function changeProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const c = value as Partial<OutboxChange> | null;
  if (typeof c !== 'object' || c === null) return 'not a JSON object';
  if (c.op !== 'create' && c.op !== 'update') return '"op" must be "create" or "update"';
  for (const field of ['kind', 'id', 'name', 'idempotencyKey'] as const) {
    if (typeof c[field] !== 'string') return `"${field}" is missing`;
  }
  if (!('data' in c)) return '"data" is missing';
  return undefined;
}
