// Discovery of what the cluster serves, cached in memory and on disk (deletable, like the whole cache).
// Aggregated discovery (two requests) when the server offers it, else the legacy documents, one request
// per group version. A kind missing from a cached copy triggers one fresh fetch, as kubectl does, so a
// CRD created a moment ago is found.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { mapLimit } from '../util/concurrency.js';
import type { KubeTransport } from '../http/transport.js';
import { KubeApiError } from '../http/errors.js';
import {
  ResourceIndex,
  fromAggregated,
  resourcesOf,
  type ApiResource,
  type DiscoveryData,
} from './resources.js';

const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const DEFAULT_TTL_MS = 10 * 60 * 1000;

export interface DiscoveryOptions {
  /** Folder of the on-disk copies; none: memory only. */
  cacheDir?: string;
  ttlMs?: number;
  /** Told about group versions that could not be read (an aggregated API that is down). */
  onPartial?: (groupVersion: string, reason: string) => void;
}

export class Discovery {
  private current?: ResourceIndex;
  private fetchedHere = false;
  private inflight?: Promise<ResourceIndex>;

  constructor(
    private readonly transport: KubeTransport,
    private readonly options: DiscoveryOptions = {},
  ) {}

  /** The cached index if fresh enough, else a new one. */
  async index(): Promise<ResourceIndex> {
    if (this.current) return this.current;
    const cached = await this.readCache();
    if (cached) return (this.current = cached);
    return this.refresh();
  }

  /** Fetches discovery again (after CRDs were created, or when a kind is missing). */
  refresh(): Promise<ResourceIndex> {
    this.inflight ??= this.fetch().then(
      (data) => {
        this.inflight = undefined;
        this.fetchedHere = true;
        this.current = new ResourceIndex(data);
        void this.writeCache(data);
        return this.current;
      },
      (err: unknown) => {
        this.inflight = undefined;
        throw err;
      },
    );
    return this.inflight;
  }

  /** The resource serving apiVersion/kind; a miss in a cached copy is checked against a fresh one. */
  async resolve(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const found = (await this.index()).find(apiVersion, kind);
    if (found || this.fetchedHere) return found;
    return (await this.refresh()).find(apiVersion, kind);
  }

  private cacheFile(): string | undefined {
    if (!this.options.cacheDir) return undefined;
    const server = this.transport.server;
    return join(
      this.options.cacheDir,
      'discovery',
      `${server.hostname.replace(/[^A-Za-z0-9.-]/g, '_')}_${server.port || (server.protocol === 'https:' ? 443 : 80)}.json`,
    );
  }

  private async readCache(): Promise<ResourceIndex | undefined> {
    const file = this.cacheFile();
    if (!file) return undefined;
    try {
      const cached = JSON.parse(await readFile(file, 'utf8')) as {
        server?: string;
        fetchedAt?: number;
        data?: DiscoveryData;
      };
      const ttl = this.options.ttlMs ?? DEFAULT_TTL_MS;
      if (cached.server !== this.transport.server.origin || !cached.data || !cached.fetchedAt)
        return undefined;
      if (Date.now() - cached.fetchedAt > ttl) return undefined;
      return new ResourceIndex(cached.data);
    } catch {
      return undefined;
    }
  }

  private async writeCache(data: DiscoveryData): Promise<void> {
    const file = this.cacheFile();
    if (!file) return;
    const text = JSON.stringify({ server: this.transport.server.origin, fetchedAt: Date.now(), data });
    // A cache that cannot be written only costs the next command a fetch.
    await writeFileAtomic(file, text).catch(() => undefined);
  }

  private async fetch(): Promise<DiscoveryData> {
    const data: DiscoveryData = { groups: [], resources: [] };
    const [core, named] = await Promise.all([
      this.transport.request({
        method: 'GET',
        path: '/api',
        accept: AGGREGATED_ACCEPT,
        what: 'discovery (/api)',
      }),
      this.transport.request({
        method: 'GET',
        path: '/apis',
        accept: AGGREGATED_ACCEPT,
        what: 'discovery (/apis)',
      }),
    ]);
    const aggregated = (h: unknown) => typeof h === 'string' && h.includes('as=APIGroupDiscoveryList');
    if (aggregated(core.headers['content-type']) && aggregated(named.headers['content-type'])) {
      fromAggregated(core.body, data);
      fromAggregated(named.body, data);
      return data;
    }
    const gvs: Array<{ group: string; version: string; path: string }> = [];
    const coreVersions = ((core.body as { versions?: string[] }).versions ?? ['v1']).filter(
      (v) => typeof v === 'string',
    );
    data.groups.push({ name: '', versions: coreVersions });
    for (const v of coreVersions) gvs.push({ group: '', version: v, path: `/api/${v}` });
    const groups =
      (
        named.body as {
          groups?: Array<{
            name: string;
            versions?: Array<{ version: string }>;
            preferredVersion?: { version: string };
          }>;
        }
      ).groups ?? [];
    for (const g of groups) {
      const preferred = g.preferredVersion?.version;
      const versions = (g.versions ?? []).map((v) => v.version);
      const ordered = preferred ? [preferred, ...versions.filter((v) => v !== preferred)] : versions;
      data.groups.push({ name: g.name, versions: ordered });
      for (const v of ordered) gvs.push({ group: g.name, version: v, path: `/apis/${g.name}/${v}` });
    }
    const lists = await mapLimit(gvs, 8, async (gv) => {
      try {
        const res = await this.transport.request({
          method: 'GET',
          path: gv.path,
          what: `discovery (${gv.path})`,
        });
        return resourcesOf(gv.group, gv.version, res.body);
      } catch (err) {
        // One unavailable aggregated API must not make the whole cluster unusable (kubectl only warns).
        if (err instanceof KubeApiError && (err.status === 404 || err.status === 503 || err.status === 500)) {
          this.options.onPartial?.(gv.path, err.message);
          return [];
        }
        throw err;
      }
    });
    for (const list of lists) data.resources.push(...list);
    return data;
  }
}
