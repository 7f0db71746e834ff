// `cluster snapshot`: the mesh-relevant state of a cluster, by listing (one shot) or by list and watch (kept
// current, rebuilt by a fresh list after a reconnect). Objects are summarised page by page.
import { setMaxListeners } from 'node:events';
import { UnknownKindError, type ClusterClient, type LiveObject } from '../client.js';
import type { ApiResource } from '../discovery/resources.js';
import { KubeApiError } from '../http/errors.js';
import { asError } from '../util/abort.js';
import { settleLimit } from '../util/concurrency.js';
import { Reflector } from '../watch/reflector.js';
import {
  meshTotals,
  summarizeCrd,
  summarizeCustomResource,
  summarizeNamespace,
  summarizePod,
  summarizeService,
  summarizeWorkload,
  type CrdSummary,
  type Snapshot,
} from './model.js';

type Section = 'namespaces' | 'workloads' | 'pods' | 'services' | 'crds' | 'resources';

interface Source {
  apiVersion: string;
  kind: string;
  section: Section;
  summarize: (o: LiveObject) => unknown;
}

const SOURCES: Source[] = [
  { apiVersion: 'v1', kind: 'Namespace', section: 'namespaces', summarize: summarizeNamespace },
  { apiVersion: 'apps/v1', kind: 'Deployment', section: 'workloads', summarize: summarizeWorkload },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', section: 'workloads', summarize: summarizeWorkload },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', section: 'workloads', summarize: summarizeWorkload },
  { apiVersion: 'v1', kind: 'Pod', section: 'pods', summarize: summarizePod },
  { apiVersion: 'v1', kind: 'Service', section: 'services', summarize: summarizeService },
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    section: 'crds',
    summarize: summarizeCrd,
  },
];

export interface SnapshotOptions {
  /** Look at one namespace only (CRDs are cluster-wide, still listed). */
  namespace?: string;
  concurrency?: number;
  /** Kinds that could not be read (not permitted, not served) are reported here and skipped. */
  onSkipped?: (what: string, reason: string) => void;
}

export interface ClusterIdentity {
  server: string;
  context: string;
}

function scopeOf(resource: ApiResource, namespace: string | undefined) {
  if (!namespace) return {};
  return resource.namespaced
    ? { namespace }
    : resource.kind === 'Namespace'
      ? { fieldSelector: `metadata.name=${namespace}` }
      : {};
}

function empty(cluster: ClusterIdentity, namespace: string | undefined): Snapshot {
  return {
    apiVersion: 'meshdeck/v1',
    kind: 'ClusterSnapshot',
    cluster,
    takenAt: new Date().toISOString(),
    ...(namespace ? { namespace } : {}),
    meshes: [],
    namespaces: [],
    workloads: [],
    pods: [],
    services: [],
    crds: [],
    resources: [],
  };
}

function skippable(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError && (err.status === 403 || err.status === 404);
}

/** One snapshot, by lists only. */
export async function takeSnapshot(
  client: ClusterClient,
  cluster: ClusterIdentity,
  options: SnapshotOptions = {},
): Promise<Snapshot> {
  const snapshot = empty(cluster, options.namespace);
  const concurrency = options.concurrency ?? 8;
  const listInto = async (resource: ApiResource, section: Section, summarize: (o: LiveObject) => unknown) => {
    const out = snapshot[section] as unknown[];
    await client.listEach(resource, { ...scopeOf(resource, options.namespace), limit: 1000 }, (page) => {
      for (const item of page) {
        const s = summarize(item);
        if (s !== undefined) out.push(s);
      }
    });
  };
  const core = await settleLimit(SOURCES, concurrency, async (source) =>
    listInto(await client.resource(source.apiVersion, source.kind), source.section, source.summarize),
  );
  core.forEach((outcome, i) => {
    if (outcome.ok) return;
    if (!skippable(outcome.error) && !(outcome.error instanceof UnknownKindError)) throw outcome.error;
    options.onSkipped?.(SOURCES[i].kind, (outcome.error as Error).message);
  });
  const crs = await settleLimit(snapshot.crds, concurrency, async (crd) => {
    const resource = await client.discovery.resolve(`${crd.group}/${crd.version}`, crd.kind);
    if (!resource) return;
    await listInto(resource, 'resources', (o) => summarizeCustomResource(crd, o));
  });
  crs.forEach((outcome, i) => {
    if (outcome.ok) return;
    if (!skippable(outcome.error)) throw outcome.error;
    options.onSkipped?.(snapshot.crds[i].kind, outcome.error.message);
  });
  return finish(snapshot);
}

function finish(snapshot: Snapshot): Snapshot {
  const byName = (a: { namespace?: string; name: string }, b: { namespace?: string; name: string }) =>
    (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name);
  snapshot.namespaces.sort(byName);
  snapshot.workloads.sort((a, b) => byName(a, b) || a.kind.localeCompare(b.kind));
  snapshot.pods.sort(byName);
  snapshot.services.sort(byName);
  snapshot.crds.sort((a, b) => a.name.localeCompare(b.name));
  snapshot.resources.sort(
    (a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind) || byName(a, b),
  );
  snapshot.meshes = meshTotals(snapshot);
  return snapshot;
}

export interface SnapshotEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: string;
  namespace?: string;
  name: string;
}

export interface LiveSnapshotOptions extends SnapshotOptions {
  onEvent?: (event: SnapshotEvent) => void;
  /** A kind was listed again (after a reconnect or an expired watch): its part was rebuilt. */
  onRebuilt?: (kind: string) => void;
  onTrouble?: (reason: string) => void;
}

/** A snapshot kept current by list and watch. */
export class LiveSnapshot {
  private readonly reflectors = new Map<string, { reflector: Reflector<unknown>; section: Section }>();
  private readonly controller = new AbortController();
  private readonly running: Array<Promise<void>> = [];
  constructor(
    private readonly client: ClusterClient,
    private readonly cluster: ClusterIdentity,
    private readonly options: LiveSnapshotOptions = {},
  ) {
    // One watch per kind listens to it: many listeners are intended.
    setMaxListeners(0, this.controller.signal);
  }
  private failure?: unknown;

  /** Lists and starts watching; resolves once every kind has been listed. */
  async start(signal?: AbortSignal): Promise<void> {
    signal?.addEventListener('abort', () => this.controller.abort(), { once: true });
    for (const source of SOURCES) {
      let resource: ApiResource;
      try {
        resource = await this.client.resource(source.apiVersion, source.kind);
      } catch (err) {
        this.options.onSkipped?.(source.kind, (err as Error).message);
        continue;
      }
      this.watch(`${source.apiVersion}/${source.kind}`, resource, source.section, source.summarize);
    }
    await this.synced();
    await this.reconcileCustomResources();
    await this.synced();
  }

  stop(): void {
    this.controller.abort();
  }

  /** Resolves when stopped; rejects if a watch fails for good (credentials revoked). */
  async done(): Promise<void> {
    await Promise.all(this.running);
    if (this.failure) throw asError(this.failure);
  }

  /** How often each part was listed, and how often watches resumed: for tests and --verbose. */
  stats(): { lists: number; resumes: number } {
    let lists = 0;
    let resumes = 0;
    for (const { reflector } of this.reflectors.values()) {
      lists += reflector.lists;
      resumes += reflector.resumes;
    }
    return { lists, resumes };
  }

  current(): Snapshot {
    const snapshot = empty(this.cluster, this.options.namespace);
    for (const { reflector, section } of this.reflectors.values()) {
      (snapshot[section] as unknown[]).push(...reflector.store.values());
    }
    return finish(snapshot);
  }

  private async synced(): Promise<void> {
    await Promise.race([
      Promise.all([...this.reflectors.values()].map((r) => r.reflector.synced)),
      new Promise((_, reject) =>
        this.controller.signal.addEventListener(
          'abort',
          () => reject(asError(this.failure ?? this.controller.signal.reason)),
          { once: true },
        ),
      ),
    ]);
  }

  private watch(
    key: string,
    resource: ApiResource,
    section: Section,
    summarize: (o: LiveObject) => unknown,
  ): void {
    const reflector = new Reflector<unknown>(this.client, {
      resource,
      ...scopeOf(resource, this.options.namespace),
      transform: summarize,
      onTrouble: this.options.onTrouble,
      onChange: (r, event) => {
        if (!event) {
          if (r.lists > 1) this.options.onRebuilt?.(resource.kind);
        } else if (event.type !== 'BOOKMARK' && event.type !== 'ERROR') {
          const o = event.object;
          this.options.onEvent?.({
            type: event.type,
            kind: resource.kind,
            namespace: o.metadata.namespace,
            name: o.metadata.name ?? '',
          });
        }
        if (section === 'crds' && r.lists > 0) void this.reconcileCustomResources();
      },
    });
    this.reflectors.set(key, { reflector, section });
    this.running.push(
      reflector.run(this.controller.signal).catch((err: unknown) => {
        // A kind we may not read is left out; anything else (credentials revoked) ends the snapshot.
        if (err instanceof KubeApiError && err.status === 403) {
          this.options.onSkipped?.(resource.kind, err.message);
          this.reflectors.delete(key);
          return;
        }
        this.failure = err;
        this.controller.abort();
      }),
    );
  }

  /** One watch per kind of the mesh CRDs present; new CRDs start one, removed ones stop theirs. */
  private async reconcileCustomResources(): Promise<void> {
    const crds = this.reflectors.get('apiextensions.k8s.io/v1/CustomResourceDefinition')?.reflector.store as
      Map<string, CrdSummary> | undefined;
    if (!crds) return;
    const wanted = new Map([...crds.values()].map((c) => [`cr:${c.group}/${c.kind}`, c]));
    for (const [key, entry] of this.reflectors) {
      if (key.startsWith('cr:') && !wanted.has(key)) {
        entry.reflector.stop();
        this.reflectors.delete(key);
      }
    }
    for (const [key, crd] of wanted) {
      if (this.reflectors.has(key)) continue;
      const resource = await this.client.discovery.resolve(`${crd.group}/${crd.version}`, crd.kind);
      if (!resource || this.reflectors.has(key)) continue;
      this.watch(key, resource, 'resources', (o) => summarizeCustomResource(crd, o));
    }
  }
}
