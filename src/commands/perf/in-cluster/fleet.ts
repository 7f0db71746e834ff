// The generator fleet on Kubernetes: a Job of N pods of meshdeck's image running `meshdeck perf agent`,
// each pod's log followed line by line as soon as it starts, the pods watched (polled) so that a pod that
// fails, cannot be scheduled, cannot pull its image or is deleted ends the run at once with a message
// that names it, and the Job deleted at the end (its pods with it) unless kept.
import { randomBytes } from 'node:crypto';
import { OperationError } from '../../../core/errors.js';
import { setting } from '../../../core/settings.js';
import type { Connection } from '../../../k8s/connect.js';
import { LineSplitter } from '../../../k8s/http/watch-lines.js';
import type {
  FleetHooks,
  FleetPlan,
  FleetRun,
  GeneratorFleet,
  GeneratorRef,
} from '../../../perf/cluster/fleet.js';
import { encodeSettings, SETTINGS_ENV } from '../../../perf/cluster/protocol.js';

export interface KubeFleetOptions {
  namespace: string;
  image: string;
  pullPolicy: string;
  nodeSelector: Record<string, string>;
  keep: boolean;
  /** Longest the Job may run (activeDeadlineSeconds), when the run has a known length. */
  deadlineSeconds?: number;
}

export const RUN_LABEL = 'perf.meshdeck.dev/run';
const CONTAINER = 'generator';
const POLL_MS = 250;
const GONE_WAIT_MS = 30_000;

interface PodView {
  metadata: { name?: string; deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
    containerStatuses?: Array<{
      name?: string;
      state?: {
        waiting?: { reason?: string; message?: string };
        terminated?: { exitCode?: number; reason?: string; message?: string };
      };
    }>;
  };
}

export function jobManifest(name: string, plan: FleetPlan, o: KubeFleetOptions): Record<string, unknown> {
  const labels = { 'app.kubernetes.io/managed-by': 'meshdeck', [RUN_LABEL]: name };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: o.namespace, labels },
    spec: {
      parallelism: plan.replicas,
      completions: plan.replicas,
      backoffLimit: 0,
      ...(o.deadlineSeconds ? { activeDeadlineSeconds: o.deadlineSeconds } : {}),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 5,
          ...(Object.keys(o.nodeSelector).length ? { nodeSelector: o.nodeSelector } : {}),
          containers: [
            {
              name: CONTAINER,
              image: o.image,
              imagePullPolicy: o.pullPolicy,
              args: ['perf', 'agent'],
              env: [{ name: SETTINGS_ENV, value: encodeSettings(plan.settings) }],
            },
          ],
        },
      },
    },
  };
}

/** Why a generator pod cannot (or did not) do its part; undefined while it is fine. */
export function podProblem(pod: PodView): string | undefined {
  const name = pod.metadata.name ?? '';
  const unschedulable = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  );
  if (unschedulable)
    return `generator pod ${name} cannot be scheduled: ${unschedulable.message ?? 'no node fits'} (check ${setting('node-selector')})`;
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting;
    if (
      waiting &&
      /ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull/.test(waiting.reason ?? '')
    )
      return `generator pod ${name} cannot start: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''} (check ${setting('generator-image')} and ${setting('image-pull-policy')})`;
    const done = c.state?.terminated;
    if (done && done.exitCode !== 0)
      return `generator pod ${name} failed: its container ended with exit code ${done.exitCode}${done.reason ? ` (${done.reason})` : ''}`;
  }
  if (pod.status?.phase === 'Failed') return `generator pod ${name} failed`;
  return undefined;
}

export class KubeFleet implements GeneratorFleet {
  constructor(
    private readonly connection: Connection,
    /** A connection Ctrl-C does not stop, for deleting what was created. */
    private readonly cleanupConnection: () => Promise<Connection>,
    private readonly o: KubeFleetOptions,
  ) {}

  async start(plan: FleetPlan, hooks: FleetHooks, signal: AbortSignal): Promise<FleetRun> {
    const client = this.connection.client;
    const name = `meshdeck-perf-${randomBytes(3).toString('hex')}`;
    const jobs = await client.resource('batch/v1', 'Job');
    const pods = await client.resource('v1', 'Pod');
    await client.apply(jobs, jobManifest(name, plan, this.o) as never);
    hooks.onStatus?.(`job ${this.o.namespace}/${name} created (${plan.replicas} generator pods)`);

    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const followed = new Map<string, Promise<void>>();
    const seen = new Map<string, GeneratorRef>();
    const namespace = this.o.namespace;

    const follow = (ref: GeneratorRef): Promise<void> =>
      this.followLog(ref, hooks, stop.signal).catch((err: unknown) => {
        if (!stop.signal.aborted) hooks.onStatus?.(`log of ${ref.pod}: ${(err as Error).message}`);
      });

    const watch = async (): Promise<GeneratorRef[]> => {
      for (;;) {
        if (stop.signal.aborted) throw new OperationError('stopped');
        const { items } = await client.list(pods, { namespace, labelSelector: `${RUN_LABEL}=${name}` });
        // Failures first: when one pod fails, the Job controller deletes the others, and the failure
        // is the news, not those deletions.
        for (const pod of items as PodView[]) {
          const problem = podProblem(pod);
          if (problem)
            throw new OperationError(problem, {
              hint: `kubectl logs -n ${namespace} ${pod.metadata.name ?? ''} (with --keep the pod stays)`,
            });
        }
        for (const pod of items as PodView[]) {
          const podName = pod.metadata.name ?? '';
          if (seen.has(podName) && pod.metadata.deletionTimestamp)
            throw new OperationError(`generator pod ${podName} was deleted during the run`);
          const phase = pod.status?.phase ?? 'Pending';
          const ref = { pod: podName, node: pod.spec?.nodeName ?? '' };
          if (!seen.has(podName)) seen.set(podName, ref);
          if (phase !== 'Pending' && !followed.has(podName)) followed.set(podName, follow(ref));
        }
        for (const known of seen.keys())
          if (!items.some((p) => p.metadata.name === known))
            throw new OperationError(`generator pod ${known} was deleted during the run`);
        const succeeded = (items as PodView[]).filter((p) => p.status?.phase === 'Succeeded');
        if (succeeded.length >= plan.replicas) {
          await Promise.all(succeeded.map((p) => followed.get(p.metadata.name ?? '') ?? Promise.resolve()));
          return succeeded.map((p) => seen.get(p.metadata.name ?? '')!);
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    };

    let cleaned: Promise<void> | undefined;
    const cleanup = () => {
      stop.abort();
      signal.removeEventListener('abort', onAbort);
      cleaned ??= this.cleanup(name, hooks);
      return cleaned;
    };
    const done = watch();
    done.catch(() => undefined); // whoever awaits it sees the failure; an abandoned one must not crash
    return { where: { namespace, job: name }, done, cleanup };
  }

  private async followLog(ref: GeneratorRef, hooks: FleetHooks, signal: AbortSignal): Promise<void> {
    const client = this.connection.client;
    const res = await client.transport.stream(
      {
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(this.o.namespace)}/pods/${encodeURIComponent(ref.pod)}/log`,
        query: { follow: true, container: CONTAINER },
        what: `the log of pod ${ref.pod}`,
      },
      signal,
    );
    await new Promise<void>((resolve) => {
      const lines = new LineSplitter();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => lines.push(chunk).forEach((l) => hooks.onLine(ref, l)));
      res.on('end', () => lines.end().forEach((l) => hooks.onLine(ref, l)));
      res.on('error', () => undefined);
      res.on('close', () => resolve());
    });
  }

  private async cleanup(name: string, hooks: FleetHooks): Promise<void> {
    const where = `job ${this.o.namespace}/${name}`;
    if (this.o.keep) {
      hooks.onStatus?.(
        `${where} kept (--keep); delete it with: kubectl delete job -n ${this.o.namespace} ${name}`,
      );
      return;
    }
    const connection = await this.cleanupConnection();
    try {
      const client = connection.client;
      const jobs = await client.resource('batch/v1', 'Job');
      const pods = await client.resource('v1', 'Pod');
      await client.delete(jobs, this.o.namespace, name, { propagationPolicy: 'Background' });
      const deadline = Date.now() + GONE_WAIT_MS;
      for (;;) {
        const { items } = await client.list(pods, {
          namespace: this.o.namespace,
          labelSelector: `${RUN_LABEL}=${name}`,
        });
        if (items.length === 0) break;
        if (Date.now() > deadline) {
          hooks.onStatus?.(`${where} deleted; ${items.length} of its pods are still stopping`);
          break;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      hooks.onStatus?.(`${where} deleted`);
    } finally {
      connection.close();
    }
  }
}
