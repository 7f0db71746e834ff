// Profiles and results as JSON files in the local state folder (<state>/perf/profiles, <state>/perf/results),
// one file per document, written atomically; a lock makes "name is unique" hold with two meshdeck
// processes at once.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationError, UsageError, errnoCode } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { withFileLock } from '../../core/fs/lock.js';
import type { PerfResult } from '../result/model.js';
import { resolveRef } from './refs.js';
import type { Named, PerfProfile, PerfStores, ProfileStore, ResultStore } from './types.js';

type Warn = (message: string) => void;

/** A folder of <id>.json documents of one kind. */
class DocumentFolder<T extends Named> {
  constructor(
    readonly dir: string,
    private readonly kind: string,
    private readonly warn: Warn,
  ) {}

  async all(): Promise<T[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return [];
      throw new OperationError(`cannot read ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
    const docs: T[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
      const file = join(this.dir, name);
      try {
        const doc = JSON.parse(await readFile(file, 'utf8')) as T;
        if (typeof doc?.id !== 'string' || typeof doc?.name !== 'string') throw new Error('no id or name');
        docs.push(doc);
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') continue; // deleted meanwhile
        this.warn(`skipping ${file}: not a valid ${this.kind} (${(err as Error).message})`);
      }
    }
    return docs;
  }

  file(id: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new UsageError(`invalid ${this.kind} id "${id}"`);
    return join(this.dir, `${id}.json`);
  }

  write(doc: T): Promise<void> {
    return writeFileAtomic(this.file(doc.id), `${JSON.stringify(doc, null, 2)}\n`);
  }

  async remove(id: string): Promise<boolean> {
    try {
      await rm(this.file(id));
      return true;
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return false;
      throw new OperationError(`cannot delete ${this.file(id)}: ${(err as Error).message}`, { cause: err });
    }
  }

  lock<R>(work: () => Promise<R>): Promise<R> {
    return withFileLock(join(this.dir, '.index'), work);
  }
}

export class LocalProfileStore implements ProfileStore {
  private readonly folder: DocumentFolder<PerfProfile>;

  constructor(dir: string, warn: Warn = () => undefined) {
    this.folder = new DocumentFolder(dir, 'profile', warn);
  }

  async list(): Promise<PerfProfile[]> {
    return (await this.folder.all()).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(ref: string): Promise<PerfProfile | undefined> {
    return resolveRef(await this.folder.all(), ref, 'profile');
  }

  save(profile: PerfProfile): Promise<PerfProfile> {
    return this.folder.lock(async () => {
      const clash = (await this.folder.all()).find((p) => p.name === profile.name && p.id !== profile.id);
      if (clash) {
        throw new UsageError(`a profile named "${profile.name}" already exists`, {
          hint: `choose another name, or delete it first: meshdeck perf profile delete ${profile.name}`,
        });
      }
      await this.folder.write(profile);
      return profile;
    });
  }

  delete(id: string): Promise<boolean> {
    return this.folder.remove(id);
  }
}

export class LocalResultStore implements ResultStore {
  private readonly folder: DocumentFolder<PerfResult>;

  constructor(dir: string, warn: Warn = () => undefined) {
    this.folder = new DocumentFolder(dir, 'result', warn);
  }

  async list(filter: { profile?: string } = {}): Promise<PerfResult[]> {
    const all = (await this.folder.all()).sort((a, b) => b.start_time.localeCompare(a.start_time));
    if (filter.profile === undefined) return all;
    return all.filter(
      (r) => r.profile && (r.profile.id === filter.profile || r.profile.name === filter.profile),
    );
  }

  async get(ref: string): Promise<PerfResult | undefined> {
    return resolveRef(await this.list(), ref, 'result', true);
  }

  async save(result: PerfResult): Promise<PerfResult> {
    await this.folder.write(result);
    return result;
  }

  delete(id: string): Promise<boolean> {
    return this.folder.remove(id);
  }
}

export function localPerfStores(stateDir: string, warn?: Warn): PerfStores {
  const root = join(stateDir, 'perf');
  return {
    profiles: new LocalProfileStore(join(root, 'profiles'), warn),
    results: new LocalResultStore(join(root, 'results'), warn),
    location: root,
  };
}
