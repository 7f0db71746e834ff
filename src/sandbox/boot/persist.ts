// State kept in a data folder, so a sandbox survives a restart: the CA and admin credentials (the
// kubeconfig stays valid), minted tokens, and a snapshot of every object, written atomically (temp file
// and rename) a moment after changes and when the server stops.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import type { K8sObject } from '../base/types.js';
import type { Store } from '../store/store.js';
import type { UserInfo } from '../auth/authn.js';

export interface SavedPki {
  ca: { cert: string; key: string };
  admin: { cert: string; key: string };
}

interface Snapshot {
  resourceVersion: number;
  objects: Array<[string, K8sObject]>;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export class DataDir {
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    readonly dir: string,
    private readonly debounceMs = 1000,
  ) {}

  loadPki(): Promise<SavedPki | undefined> {
    return readJson<SavedPki>(join(this.dir, 'pki.json'));
  }

  savePki(pki: SavedPki): Promise<void> {
    return writeFileAtomic(join(this.dir, 'pki.json'), JSON.stringify(pki), { mode: 0o600 });
  }

  async loadTokens(): Promise<Array<[string, UserInfo]>> {
    return (await readJson<Array<[string, UserInfo]>>(join(this.dir, 'tokens.json'))) ?? [];
  }

  saveTokens(tokens: Array<[string, UserInfo]>): Promise<void> {
    return writeFileAtomic(join(this.dir, 'tokens.json'), JSON.stringify(tokens), { mode: 0o600 });
  }

  /** Loads the last snapshot into the store; false when there is none. */
  async restore(store: Store): Promise<boolean> {
    const snap = await readJson<Snapshot>(join(this.dir, 'objects.json'));
    if (!snap) return false;
    store.restore(snap.objects, snap.resourceVersion);
    return true;
  }

  /** Watches the store and saves a moment after it changes. */
  follow(store: Store): () => void {
    return store.onEvent(() => {
      this.dirty = true;
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.save(store);
      }, this.debounceMs);
      this.timer.unref();
    });
  }

  save(store: Store): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.dirty = false;
    const snap: Snapshot = { resourceVersion: store.resourceVersion, objects: [...store.allObjects()] };
    const text = JSON.stringify(snap);
    // One write at a time, in order: the last one wins.
    this.writing = this.writing
      .then(() => writeFileAtomic(join(this.dir, 'objects.json'), text, { mode: 0o600 }))
      .catch(() => undefined);
    return this.writing;
  }

  get hasUnsaved(): boolean {
    return this.dirty;
  }
}
