// What each named object was last synced from: its id, version and content hash. Kept in the state
// folder (not the cache) because it decides whether a push is a safe update or a conflict.
import { join } from 'node:path';
import { JsonFile } from './json-file.js';

export interface SyncBase {
  id: string;
  version: number;
  hash: string;
}

export class SyncBases {
  constructor(private readonly dir: string) {}

  private file(kind: string): JsonFile<Record<string, SyncBase>> {
    return new JsonFile(join(this.dir, `${kind}.json`), () => ({}));
  }

  async get(kind: string, name: string): Promise<SyncBase | undefined> {
    return (await this.file(kind).read())[name];
  }

  async byId(kind: string, id: string): Promise<SyncBase | undefined> {
    return Object.values(await this.file(kind).read()).find((b) => b.id === id);
  }

  async set(kind: string, name: string, base: SyncBase): Promise<void> {
    await this.file(kind).update((all) => {
      for (const [other, b] of Object.entries(all)) if (b.id === base.id && other !== name) delete all[other];
      all[name] = base;
    });
  }
}
