// The kubelet's pod stages (KWOK's fast profile by default, every delay configurable): a bound pod's
// containers are created and started, become ready, exit when their run is over (Job pods; crash loops),
// restart with the kubelet's back-off as the restart policy says, and a deleted pod's containers stop
// before the pod goes. Injected faults (image pull failure, crash loop, never ready, OOMKilled) bend the
// path. Containers of meshdeck's own images run as real processes (the ContainerRuntime); the rest are
// simulated.
import type { ObjectService } from '../api/objects.js';
import type { EventRecorder, EventSpec } from '../cluster/events.js';
import type { Nodes } from '../cluster/nodes.js';
import { getPath, text, timestamp } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import { behaviourOf, type PodBehaviour, type Timing } from '../base/behaviour.js';
import {
  backingOff,
  containerStatusesOf,
  normalizeImage,
  restarts,
  running,
  setCondition,
  settle,
  specContainers,
  terminated,
  waitingStatus,
  type ContainerStatus,
  type Json,
} from '../base/pod-status.js';
import type { Stage } from './stages.js';

/** Real processes for the containers that can run as one (meshdeck's images, allow-listed images). */
export interface ContainerRuntime {
  runsAsProcess(pod: K8sObject, container: Json): boolean;
  /** Starts the container's process; throws (with the runtime's message) when it cannot. */
  start(pod: K8sObject, container: Json, restartCount: number): void;
  /** Stops a pod's processes: SIGTERM, then SIGKILL after the grace period. */
  stop(podUid: string, graceMs: number): Promise<void>;
  /** Whether any process of the pod still runs. */
  running(podUid: string): boolean;
  /** The pod's own loopback address when it has process containers (its podIP), else undefined. */
  addressFor(pod: K8sObject): string | undefined;
  /** The pod is gone: kill what still runs, forget its address and output. */
  forget(podUid: string): void;
  /** Whether this container's process runs now (a restored pod's status may say so when none does). */
  hasProcess(podUid: string, container: string): boolean;
  /** Processes can start: the API server they are told about listens. */
  canStart(): boolean;
}

export interface KubeletContext {
  objects: ObjectService;
  pods: ResourceType;
  timing: Timing;
  events: EventRecorder;
  nodes: Nodes;
  runtime?: ContainerRuntime;
  /** Start times of simulated containers (ms), finer than status timestamps: `${uid}/${container}`. */
  started: Map<string, number>;
  /** Image pull attempts of pods with an image pull fault, by uid. */
  pullAttempts: Map<string, number>;
  /** Removes a pod whose containers have stopped (or clears its grace period if finalizers hold it). */
  finishDeletion(pod: K8sObject): void;
}

const isBound = (pod: K8sObject) =>
  typeof getPath(pod, 'spec.nodeName') === 'string' && getPath(pod, 'spec.nodeName') !== '';
const deleting = (pod: K8sObject) => pod.metadata.deletionTimestamp !== undefined;
const phase = (pod: K8sObject) => getPath(pod, 'status.phase');
const terminal = (pod: K8sObject) => phase(pod) === 'Succeeded' || phase(pod) === 'Failed';

function onNode(pod: K8sObject, ctx: KubeletContext): boolean {
  return isBound(pod) && ctx.nodes.get(String(getPath(pod, 'spec.nodeName'))) !== undefined;
}

function live(pod: K8sObject, ctx: KubeletContext): boolean {
  return !deleting(pod) && !terminal(pod) && onNode(pod, ctx);
}

const waitingReason = (cs: ContainerStatus) => cs.state.waiting?.reason as string | undefined;
const containerKey = (pod: K8sObject, name: string) => `${pod.metadata.uid}/${name}`;
const fieldPath = (name: string) => `spec.containers{${name}}`;

function isProcess(pod: K8sObject, name: string, ctx: KubeletContext): boolean {
  const c = specContainers(pod).find((x) => x.name === name);
  return c !== undefined && ctx.runtime !== undefined && ctx.runtime.runsAsProcess(pod, c);
}

function record(pod: K8sObject, ctx: KubeletContext, spec: EventSpec): void {
  ctx.events.record(pod, spec, { component: 'kubelet', host: text(getPath(pod, 'spec.nodeName')) });
}

/** Writes the pod's status through the status subresource, as the kubelet does. */
function writeStatus(
  pod: K8sObject,
  ctx: KubeletContext,
  change: (status: Json, now: Date, current: K8sObject) => void,
): K8sObject | undefined {
  return ctx.objects.mutate(
    ctx.pods,
    pod.metadata.namespace ?? '',
    pod.metadata.name!,
    (o) => {
      // Another pod of the same name (deleted and created again) is not ours to write.
      if (o.metadata.uid !== pod.metadata.uid) return undefined;
      const status = isObject(o.status) ? o.status : {};
      change(status, ctx.objects.now(), o);
      return { ...o, status };
    },
    'kubelet',
    'status',
  );
}

/** Every spec container's status, fresh ones waiting with `reason`. */
function statusesFor(pod: K8sObject, reason: string): ContainerStatus[] {
  const current = containerStatusesOf(pod);
  return specContainers(pod).map((c) => current.find((s) => s.name === c.name) ?? waitingStatus(c, reason));
}

function imageEvents(pod: K8sObject, ctx: KubeletContext, c: Json): void {
  const image = text(c.image);
  if (c.imagePullPolicy === 'Always') {
    record(pod, ctx, {
      type: 'Normal',
      reason: 'Pulling',
      message: `Pulling image "${image}"`,
      fieldPath: fieldPath(String(c.name)),
    });
    record(pod, ctx, {
      type: 'Normal',
      reason: 'Pulled',
      message: `Successfully pulled image "${image}" in 0s (0s including waiting). Image size: 0 bytes.`,
      fieldPath: fieldPath(String(c.name)),
    });
  } else
    record(pod, ctx, {
      type: 'Normal',
      reason: 'Pulled',
      message: `Container image "${image}" already present on machine`,
      fieldPath: fieldPath(String(c.name)),
    });
}

/** Starts one container (a process, or a simulated one); returns its new status and queues its events. */
function startContainer(
  pod: K8sObject,
  ctx: KubeletContext,
  b: PodBehaviour,
  cs: ContainerStatus,
  restarted: boolean,
  now: Date,
  after: Array<() => void>,
): ContainerStatus {
  const spec = specContainers(pod).find((c) => c.name === cs.name) ?? { name: cs.name, image: cs.image };
  const name = cs.name;
  after.push(() => imageEvents(pod, ctx, spec));
  if (isProcess(pod, name, ctx)) {
    try {
      ctx.runtime!.start(pod, spec, restarted ? cs.restartCount + 1 : cs.restartCount);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      after.push(() =>
        record(pod, ctx, {
          type: 'Warning',
          reason: 'Failed',
          message: `Error: ${message}`,
          fieldPath: fieldPath(name),
        }),
      );
      const started = running(cs, now, false, restarted);
      return terminated(started, now, { code: 128, reason: 'StartError', message });
    }
  } else ctx.started.set(containerKey(pod, name), now.getTime());
  after.push(() => {
    record(pod, ctx, {
      type: 'Normal',
      reason: 'Created',
      message: `Created container ${name}`,
      fieldPath: fieldPath(name),
    });
    record(pod, ctx, {
      type: 'Normal',
      reason: 'Started',
      message: `Started container ${name}`,
      fieldPath: fieldPath(name),
    });
  });
  const neverReady = b.neverReady(name);
  if (b.fault === 'never-ready' && b.faultContainer === name)
    after.push(() =>
      record(pod, ctx, {
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
        fieldPath: fieldPath(name),
      }),
    );
  // A process is ready once the runtime says so; a simulated container when its delay is over.
  const ready = !isProcess(pod, name, ctx) && !neverReady && b.readyMs(name) === 0;
  return running(cs, now, ready, restarted);
}

function applyChanges(
  pod: K8sObject,
  ctx: KubeletContext,
  change: (
    statuses: ContainerStatus[],
    status: Json,
    now: Date,
    after: Array<() => void>,
  ) => ContainerStatus[],
): void {
  const after: Array<() => void> = [];
  let changed = false;
  writeStatus(pod, ctx, (status, now, current) => {
    const statuses = change(statusesFor(current, 'ContainerCreating'), status, now, after);
    settle(current, status, statuses, now);
    changed = true;
  });
  if (changed) for (const fn of after) fn();
}

function hasImageFault(pod: K8sObject, ctx: KubeletContext): string | undefined {
  const b = behaviourOf(pod, ctx.timing);
  return b.fault === 'image-pull-failure' ? b.faultContainer : undefined;
}

const podDelete: Stage<KubeletContext> = {
  name: 'pod-delete',
  matches: (pod) => deleting(pod) && isBound(pod) && (pod.metadata.deletionGracePeriodSeconds ?? 0) > 0,
  enter(pod, ctx) {
    for (const cs of containerStatusesOf(pod))
      if (cs.state.running)
        record(pod, ctx, {
          type: 'Normal',
          reason: 'Killing',
          message: `Stopping container ${cs.name}`,
          fieldPath: fieldPath(cs.name),
        });
  },
  due(pod, ctx, since) {
    if (ctx.runtime?.running(pod.metadata.uid!)) return since;
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    return since + Math.min(behaviourOf(pod, ctx.timing).stopMs, grace);
  },
  act(pod, ctx) {
    const uid = pod.metadata.uid!;
    if (ctx.runtime?.running(uid)) {
      const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
      void ctx.runtime.stop(uid, graceMs).then(() => ctx.finishDeletion(pod));
      return;
    }
    ctx.finishDeletion(pod);
  },
};

const podPending: Stage<KubeletContext> = {
  name: 'pod-pending',
  matches(pod, ctx) {
    if (!live(pod, ctx) || containerStatusesOf(pod).length > 0) return false;
    return behaviourOf(pod, ctx.timing).startMs > 0 || hasImageFault(pod, ctx) !== undefined;
  },
  due: (_pod, _ctx, since) => since,
  act(pod, ctx) {
    const node = String(getPath(pod, 'spec.nodeName'));
    writeStatus(pod, ctx, (status, now) => {
      const hostIP = ctx.nodes.hostIp(node);
      if (hostIP) {
        status.hostIP = hostIP;
        status.hostIPs = [{ ip: hostIP }];
      }
      status.startTime ??= timestamp(now);
      setCondition(status, 'PodReadyToStartContainers', 'True', now);
      setCondition(status, 'Initialized', 'True', now);
      settle(pod, status, statusesFor(pod, 'ContainerCreating'), now);
    });
  },
};

const imagePull: Stage<KubeletContext> = {
  name: 'image-pull',
  matches(pod, ctx) {
    const c = hasImageFault(pod, ctx);
    if (!c || !live(pod, ctx)) return false;
    const reason = containerStatusesOf(pod).find((s) => s.name === c)?.state.waiting?.reason;
    return reason === 'ContainerCreating' || reason === 'ImagePullBackOff';
  },
  due(pod, ctx, since) {
    const attempts = ctx.pullAttempts.get(pod.metadata.uid!) ?? 0;
    return since + (attempts === 0 ? behaviourOf(pod, ctx.timing).startMs : ctx.timing.backoff(attempts));
  },
  act(pod, ctx) {
    const b = behaviourOf(pod, ctx.timing);
    ctx.pullAttempts.set(pod.metadata.uid!, (ctx.pullAttempts.get(pod.metadata.uid!) ?? 0) + 1);
    applyChanges(pod, ctx, (statuses, _status, now, after) =>
      statuses.map((cs) => {
        if (cs.name !== b.faultContainer)
          return waitingReason(cs) === 'ContainerCreating'
            ? startContainer(pod, ctx, b, cs, false, now, after)
            : cs;
        const image = text(specContainers(pod).find((c) => c.name === cs.name)?.image ?? cs.image);
        const ref = normalizeImage(image);
        const message = `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
        after.push(() => {
          record(pod, ctx, {
            type: 'Normal',
            reason: 'Pulling',
            message: `Pulling image "${image}"`,
            fieldPath: fieldPath(cs.name),
          });
          record(pod, ctx, {
            type: 'Warning',
            reason: 'Failed',
            message: `Failed to pull image "${image}": rpc error: code = NotFound desc = ${message}`,
            fieldPath: fieldPath(cs.name),
          });
          record(pod, ctx, {
            type: 'Warning',
            reason: 'Failed',
            message: 'Error: ErrImagePull',
            fieldPath: fieldPath(cs.name),
          });
        });
        return {
          ...cs,
          state: {
            waiting: { reason: 'ErrImagePull', message: `rpc error: code = NotFound desc = ${message}` },
          },
        };
      }),
    );
  },
};

const imageBackoff: Stage<KubeletContext> = {
  name: 'image-backoff',
  matches: (pod, ctx) =>
    live(pod, ctx) && containerStatusesOf(pod).some((s) => waitingReason(s) === 'ErrImagePull'),
  due: (_pod, ctx, since) => since + ctx.timing.scaled(1000),
  act(pod, ctx) {
    applyChanges(pod, ctx, (statuses, _status, _now, after) =>
      statuses.map((cs) => {
        if (waitingReason(cs) !== 'ErrImagePull') return cs;
        const image = text(specContainers(pod).find((c) => c.name === cs.name)?.image ?? cs.image);
        after.push(() => {
          record(pod, ctx, {
            type: 'Normal',
            reason: 'BackOff',
            message: `Back-off pulling image "${image}"`,
            fieldPath: fieldPath(cs.name),
          });
          record(pod, ctx, {
            type: 'Warning',
            reason: 'Failed',
            message: 'Error: ImagePullBackOff',
            fieldPath: fieldPath(cs.name),
          });
        });
        return {
          ...cs,
          state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } },
        };
      }),
    );
  },
};

const podStart: Stage<KubeletContext> = {
  name: 'pod-start',
  matches(pod, ctx) {
    if (!live(pod, ctx)) return false;
    const statuses = containerStatusesOf(pod);
    if (statuses.length === 0) return true;
    const fault = hasImageFault(pod, ctx);
    return statuses.some((s) => s.name !== fault && waitingReason(s) === 'ContainerCreating');
  },
  due: (pod, ctx, since) => since + behaviourOf(pod, ctx.timing).startMs,
  act(pod, ctx) {
    const b = behaviourOf(pod, ctx.timing);
    const node = String(getPath(pod, 'spec.nodeName'));
    applyChanges(pod, ctx, (statuses, status, now, after) => {
      const hostIP = ctx.nodes.hostIp(node);
      if (hostIP) {
        status.hostIP = hostIP;
        status.hostIPs = [{ ip: hostIP }];
      }
      if (!status.podIP) {
        const ip = ctx.runtime?.addressFor(pod) ?? ctx.nodes.allocateIp(node);
        if (ip) {
          status.podIP = ip;
          status.podIPs = [{ ip }];
        }
      }
      status.startTime ??= timestamp(now);
      setCondition(status, 'PodReadyToStartContainers', 'True', now);
      setCondition(status, 'Initialized', 'True', now);
      const inits = specContainers(pod, 'initContainers');
      if (inits.length)
        status.initContainerStatuses = inits.map((c) => {
          const cs = running(waitingStatus(c, 'PodInitializing'), now, c.restartPolicy === 'Always', false);
          return c.restartPolicy === 'Always' ? cs : terminated(cs, now, { code: 0, reason: 'Completed' });
        });
      return statuses.map((cs) =>
        cs.name !== b.faultContainer || b.fault !== 'image-pull-failure'
          ? waitingReason(cs) === 'ContainerCreating'
            ? startContainer(pod, ctx, b, cs, false, now, after)
            : cs
          : cs,
      );
    });
  },
};

const containerRestart: Stage<KubeletContext> = {
  name: 'container-restart',
  matches: (pod, ctx) =>
    live(pod, ctx) &&
    containerStatusesOf(pod).some(
      (s) => s.state.terminated && restarts(pod, Number(s.state.terminated.exitCode)),
    ),
  due: (_pod, _ctx, since) => since,
  act(pod, ctx) {
    const b = behaviourOf(pod, ctx.timing);
    applyChanges(pod, ctx, (statuses, _status, now, after) =>
      statuses.map((cs) => {
        if (!cs.state.terminated || !restarts(pod, Number(cs.state.terminated.exitCode))) return cs;
        // The kubelet restarts a container at once the first time, then backs off; one lost with the
        // sandbox (a reboot, not a crash) starts again at once.
        if (cs.restartCount === 0 || cs.state.terminated.reason === 'Unknown')
          return startContainer(pod, ctx, b, cs, true, now, after);
        const backoff = ctx.timing.backoff(cs.restartCount);
        after.push(() =>
          record(pod, ctx, {
            type: 'Warning',
            reason: 'BackOff',
            message: `Back-off restarting failed container ${cs.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
            fieldPath: fieldPath(cs.name),
          }),
        );
        return backingOff(cs, pod.metadata.name!, pod.metadata.namespace ?? '', pod.metadata.uid!, backoff);
      }),
    );
  },
};

const containerBackoff: Stage<KubeletContext> = {
  name: 'container-backoff',
  matches: (pod, ctx) =>
    live(pod, ctx) && containerStatusesOf(pod).some((s) => waitingReason(s) === 'CrashLoopBackOff'),
  due(pod, ctx, since) {
    const counts = containerStatusesOf(pod)
      .filter((s) => waitingReason(s) === 'CrashLoopBackOff')
      .map((s) => s.restartCount);
    return since + ctx.timing.backoff(Math.min(...counts));
  },
  act(pod, ctx) {
    const b = behaviourOf(pod, ctx.timing);
    const lowest = Math.min(
      ...containerStatusesOf(pod)
        .filter((s) => waitingReason(s) === 'CrashLoopBackOff')
        .map((s) => s.restartCount),
    );
    applyChanges(pod, ctx, (statuses, _status, now, after) =>
      statuses.map((cs) =>
        waitingReason(cs) === 'CrashLoopBackOff' && cs.restartCount === lowest
          ? startContainer(pod, ctx, b, cs, true, now, after)
          : cs,
      ),
    );
  },
};

/**
 * Process containers whose status says running with no process behind them: the sandbox was stopped and
 * started again with its data dir (its processes ended with it), as a node that rebooted.
 */
function lostProcesses(pod: K8sObject, ctx: KubeletContext): string[] {
  const runtime = ctx.runtime;
  if (!runtime?.canStart()) return [];
  return containerStatusesOf(pod)
    .filter(
      (cs) =>
        cs.state.running && isProcess(pod, cs.name, ctx) && !runtime.hasProcess(pod.metadata.uid!, cs.name),
    )
    .map((cs) => cs.name);
}

/** As the kubelet after a reboot: the containers are gone (Unknown, 255); the restart stages start new ones. */
const processLost: Stage<KubeletContext> = {
  name: 'process-lost',
  matches: (pod, ctx) => live(pod, ctx) && lostProcesses(pod, ctx).length > 0,
  due: (_pod, _ctx, since) => since,
  act(pod, ctx) {
    const lost = lostProcesses(pod, ctx);
    applyChanges(pod, ctx, (statuses, _status, now, after) => {
      after.push(() =>
        record(pod, ctx, {
          type: 'Normal',
          reason: 'SandboxChanged',
          message: 'Pod sandbox changed, it will be killed and re-created.',
        }),
      );
      return statuses.map((cs) =>
        lost.includes(cs.name) && cs.state.running
          ? terminated(cs, now, { code: 255, reason: 'Unknown' })
          : cs,
      );
    });
  },
};

interface Timer {
  name: string;
  at: number;
  kind: 'ready' | 'exit';
}

/** The next readiness and exit times of the pod's simulated running containers. */
function timers(pod: K8sObject, ctx: KubeletContext): Timer[] {
  const b = behaviourOf(pod, ctx.timing);
  const out: Timer[] = [];
  for (const cs of containerStatusesOf(pod)) {
    if (!cs.state.running || isProcess(pod, cs.name, ctx)) continue;
    const parsed = Date.parse(text(cs.state.running.startedAt));
    const startedAt =
      ctx.started.get(containerKey(pod, cs.name)) ?? (Number.isFinite(parsed) ? parsed : Date.now());
    const run = b.runMs(cs.name);
    if (run !== undefined) out.push({ name: cs.name, at: startedAt + run, kind: 'exit' });
    if (!cs.ready && !b.neverReady(cs.name))
      out.push({ name: cs.name, at: startedAt + b.readyMs(cs.name), kind: 'ready' });
  }
  return out;
}

const containerTimers: Stage<KubeletContext> = {
  name: 'container-timers',
  matches: (pod, ctx) => live(pod, ctx) && timers(pod, ctx).length > 0,
  due: (pod, ctx) => Math.min(...timers(pod, ctx).map((t) => t.at)),
  act(pod, ctx) {
    const b = behaviourOf(pod, ctx.timing);
    const now = Date.now();
    const due = timers(pod, ctx).filter((t) => t.at <= now);
    if (due.length === 0) return;
    applyChanges(pod, ctx, (statuses, _status, date) =>
      statuses.map((cs) => {
        const mine = due.filter((t) => t.name === cs.name);
        if (mine.some((t) => t.kind === 'exit')) {
          ctx.started.delete(containerKey(pod, cs.name));
          return terminated(cs, date, b.exit(cs.name));
        }
        if (mine.some((t) => t.kind === 'ready')) return { ...cs, ready: true };
        return cs;
      }),
    );
  },
};

/** In order: an object is in the first stage it matches. */
export const POD_STAGES: Stage<KubeletContext>[] = [
  podDelete,
  processLost,
  imageBackoff,
  imagePull,
  podPending,
  podStart,
  containerRestart,
  containerBackoff,
  containerTimers,
];

/** A process container exited: its status becomes terminated; the restart stages take it from there. */
export function processExited(
  pod: K8sObject,
  ctx: KubeletContext,
  container: string,
  exit: { code: number; signal?: number },
): void {
  applyChanges(pod, ctx, (statuses, _status, now) =>
    statuses.map((cs) =>
      cs.name === container && cs.state.running
        ? terminated(cs, now, {
            code: exit.code,
            reason: exit.code === 0 ? 'Completed' : 'Error',
            signal: exit.signal,
          })
        : cs,
    ),
  );
}

/** A process container answers on its port (or has started, without one): it is ready. */
export function processReady(pod: K8sObject, ctx: KubeletContext, container: string): void {
  applyChanges(pod, ctx, (statuses) =>
    statuses.map((cs) =>
      cs.name === container && cs.state.running && !cs.ready ? { ...cs, ready: true } : cs,
    ),
  );
}
