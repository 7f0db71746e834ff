// The DaemonSet controller: one pod per eligible simulated node (node selector, affinity and taints as
// the scheduler judges them), pinned by a required node affinity on the node's name and bound by the
// scheduler; pods on nodes that are no longer eligible are deleted; a RollingUpdate replaces out-of-date
// pods at most maxUnavailable (default 1) at a time. Status: desiredNumberScheduled,
// currentNumberScheduled, updatedNumberScheduled, numberReady, numberAvailable, numberUnavailable,
// numberMisscheduled, observedGeneration (what `kubectl rollout status ds/x` waits on).
import type { ObjectService } from '../api/objects.js';
import { ControllerCreates, type CreateOutcome } from '../admission/controller-creates.js';
import { isStatusError } from '../base/status.js';
import type { EventRecorder } from '../cluster/events.js';
import type { Nodes } from '../cluster/nodes.js';
import { misfit } from '../cluster/scheduler.js';
import type { Timing } from '../base/behaviour.js';
import { isPodReady } from '../base/pod-status.js';
import { getPath } from '../base/paths.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { controllerKeys, ownerReference, type OwnerIndex } from './owners.js';
import { Controller, keyOf, splitKey } from '../base/queue.js';
import {
  deleteOwnedPod,
  compactStatus,
  intOrPercent,
  isActive,
  isAvailable,
  num,
  podFromTemplate,
  safeHash,
  writeStatus,
} from './workload.js';

const DS = 'apps/daemonsets';
const PODS = '/pods';
const HASH_LABEL = 'controller-revision-hash';
const MANAGER = 'daemon-set-controller';

function nodeAffinity(node: string): Record<string, unknown> {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
      },
    },
  };
}

/** The node a daemon pod is for: its binding, else its node affinity. */
function nodeOf(pod: K8sObject): string | undefined {
  const bound = getPath(pod, 'spec.nodeName');
  if (typeof bound === 'string' && bound) return bound;
  const values = getPath(
    pod,
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchFields.0.values',
  );
  return Array.isArray(values) && typeof values[0] === 'string' ? values[0] : undefined;
}

export class DaemonSetController extends Controller {
  /** Pod creations through admission webhooks still under way. */
  private readonly creates: ControllerCreates;

  constructor(
    private readonly objects: ObjectService,
    private readonly owners: OwnerIndex,
    private readonly nodes: Nodes,
    private readonly events: EventRecorder,
    private readonly timing: Timing,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    this.creates = new ControllerCreates(objects, 'daemon-set-controller');
    this.subscribe(objects.store.onEvent((e) => this.onEvent(e)));
    nodes.onChange(() => this.all());
    this.all();
  }

  private all(): void {
    for (const e of this.objects.store.list(DS)) this.queue.add(keyOf(e.object));
  }

  private get dsType(): ResourceType {
    return this.objects.registry.get('apps', 'v1', 'daemonsets')!;
  }

  private get podType(): ResourceType {
    return this.objects.registry.get('', 'v1', 'pods')!;
  }

  private onEvent(e: StoreEvent): void {
    if (e.storageKey === DS) {
      if (e.type !== 'DELETED') this.queue.add(keyOf(e.object));
      return;
    }
    if (e.storageKey !== PODS) return;
    for (const key of controllerKeys(e, 'DaemonSet')) this.queue.add(key);
  }

  protected sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const ds = this.objects.find(this.dsType, namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const template = getPath(ds, 'spec.template');
    const hash = safeHash(template);
    const owner = ownerReference(ds);
    const stamp = (node: string) => {
      const pod = podFromTemplate(
        template,
        owner,
        { generateName: `${name}-` },
        { labels: { [HASH_LABEL]: hash } },
      );
      pod.spec = { ...(pod.spec as Record<string, unknown>), affinity: nodeAffinity(node) };
      return pod;
    };
    const eligible = this.nodes
      .all()
      .map((n) => n.metadata.name!)
      .filter((n) => misfit(stamp(n), this.nodes.get(n)!, this.nodes, 0) === undefined)
      .sort();
    const pods = this.owners.owned(PODS, ds.metadata.uid!).filter(isActive);
    const byNode = new Map<string, K8sObject[]>();
    for (const p of pods) {
      const node = nodeOf(p) ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), p]);
    }
    const misscheduled = pods.filter((p) => !eligible.includes(nodeOf(p) ?? ''));
    for (const p of misscheduled) deleteOwnedPod(this.objects, this.events, ds, p, 'daemonset-controller');
    // Extra pods on one node: keep the oldest.
    for (const node of eligible)
      for (const extra of (byNode.get(node) ?? []).slice(1))
        deleteOwnedPod(this.objects, this.events, ds, extra, 'daemonset-controller');

    const now = Date.now();
    const minReadyMs = this.timing.scaled(num(getPath(ds, 'spec.minReadySeconds')) * 1000);
    const wait = { ms: Infinity };
    const current = eligible.map((n) => byNode.get(n)?.[0]);
    const available = (p: K8sObject | undefined) => p !== undefined && isAvailable(p, minReadyMs, now, wait);
    if (getPath(ds, 'spec.updateStrategy.type') !== 'OnDelete') {
      const maxUnavailable = Math.max(
        1,
        intOrPercent(
          getPath(ds, 'spec.updateStrategy.rollingUpdate.maxUnavailable') ?? 1,
          eligible.length,
          true,
        ),
      );
      let unavailable = current.filter((p) => !available(p)).length;
      for (const p of current) {
        if (!p || p.metadata.labels?.[HASH_LABEL] === hash) continue;
        // An unavailable old pod goes at once; an available one only while the budget allows.
        if (available(p)) {
          if (unavailable >= maxUnavailable) continue;
          unavailable++;
        }
        deleteOwnedPod(this.objects, this.events, ds, p, 'daemonset-controller');
      }
    }
    const record = (o: CreateOutcome) => {
      if (o.error && !isStatusError(o.error)) throw o.error;
      if (o.created)
        this.events.record(
          ds,
          { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${o.created.metadata.name}` },
          { component: 'daemonset-controller' },
        );
    };
    eligible.forEach((node, i) => {
      const podKey = `${key}/${node}`;
      if (current[i] || this.creates.pending(podKey) > 0) return;
      const outcome = this.creates.create(
        podKey,
        this.podType,
        namespace,
        stamp(node),
        { fieldManager: MANAGER },
        (later) => {
          record(later);
          this.queue.add(key);
        },
      );
      if (outcome) record(outcome);
    });

    const live = current.filter((p): p is K8sObject => p !== undefined && !p.metadata.deletionTimestamp);
    const numberAvailable = live.filter(available).length;
    writeStatus(
      this.objects,
      this.dsType,
      ds,
      compactStatus({
        currentNumberScheduled: current.filter(Boolean).length,
        desiredNumberScheduled: eligible.length,
        numberMisscheduled: misscheduled.length,
        numberReady: live.filter(isPodReady).length,
        updatedNumberScheduled: live.filter((p) => p.metadata.labels?.[HASH_LABEL] === hash).length,
        numberAvailable,
        numberUnavailable: eligible.length - numberAvailable,
        observedGeneration: ds.metadata.generation,
      }),
      MANAGER,
    );
    if (wait.ms !== Infinity) this.queue.addAfter(key, wait.ms + 5);
  }
}
