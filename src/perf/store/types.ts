// Where profiles and results live, behind two small interfaces. The local implementation keeps them in
// the state folder; a Remote Provider implementation (synced, versioned) can take its place without the
// engine or the commands changing. perf knows nothing of providers: the provider's client supplies the
// synced stores (src/provider/client/perf-stores.ts) and the command factory picks them.
import type { PerfResult } from '../result/model.js';
import type { RunSettings } from '../spec/options.js';

export interface PerfProfile {
  apiVersion: 'meshdeck/v1';
  kind: 'PerfProfile';
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  description: string;
  labels: Record<string, string>;
  /** The mesh under test, free text (SMP files carry it as `mesh`). */
  mesh: string;
  settings: RunSettings;
  /** Gates checked after every run of the profile, e.g. "p99<=20ms". */
  assertions: string[];
  /** SMP `additional_options`, kept for export; the native engine does not read it. */
  additional_options: string;
}

/** Something with an id and a name that users refer to by either. */
export interface Named {
  id: string;
  name: string;
}

export interface ProfileStore {
  list(): Promise<PerfProfile[]>;
  /** By id, unique id prefix, or name; undefined when nothing matches. */
  get(ref: string): Promise<PerfProfile | undefined>;
  /** Creates or replaces (by id). Names are unique: saving a second profile with a taken name fails. */
  save(profile: PerfProfile): Promise<PerfProfile>;
  delete(id: string): Promise<boolean>;
}

export interface ResultStore {
  /** Newest first. */
  list(filter?: { profile?: string }): Promise<PerfResult[]>;
  /** By id, unique id prefix, or name (the newest result of that name). */
  get(ref: string): Promise<PerfResult | undefined>;
  save(result: PerfResult): Promise<PerfResult>;
  delete(id: string): Promise<boolean>;
}

export interface PerfStores {
  profiles: ProfileStore;
  results: ResultStore;
  /** Where they are, for messages ("saved in ..."). */
  location: string;
}
