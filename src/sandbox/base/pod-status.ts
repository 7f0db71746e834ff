// Pod status as a kubelet writes it: container states (waiting, running, terminated) with restart
// counts and last states, the phase they add up to, and the pod conditions with their transition times.
import { createHash, randomBytes } from 'node:crypto';
import { getPath, text, timestamp } from './paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject } from './types.js';

import type { JsonObject as Json } from '../../kube/object.js';

export type { Json };

export interface ContainerStatus extends Json {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: { waiting?: Json; running?: Json; terminated?: Json };
  lastState: { terminated?: Json };
}

export function specContainers(pod: K8sObject, key = 'containers'): Json[] {
  const list = getPath(pod, `spec.${key}`);
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** docker.io/library/nginx:1.25 for nginx:1.25, as the container runtime reports images. */
export function normalizeImage(image: string): string {
  let name = image;
  if (!name.includes(':') && !name.includes('@')) name = `${name}:latest`;
  const first = name.split('/')[0];
  const hasRegistry =
    name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return name;
  return name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
}

function imageId(image: string): string {
  const normalized = normalizeImage(image);
  const repo = normalized.replace(/[:@].*$/, '');
  return `${repo}@sha256:${createHash('sha256').update(normalized).digest('hex')}`;
}

export function newContainerId(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

export function containerStatusesOf(pod: K8sObject, key = 'containerStatuses'): ContainerStatus[] {
  const list = getPath(pod, `status.${key}`);
  return Array.isArray(list) ? (list.filter(isObject) as ContainerStatus[]) : [];
}

export function waitingStatus(container: Json, reason: string, message?: string): ContainerStatus {
  const image = text(container.image);
  return {
    name: String(container.name),
    image: normalizeImage(image),
    imageID: '',
    ready: false,
    started: false,
    restartCount: 0,
    state: { waiting: message ? { reason, message } : { reason } },
    lastState: {},
  };
}

export function running(cs: ContainerStatus, now: Date, ready: boolean, restarted: boolean): ContainerStatus {
  const image = cs.image;
  return {
    ...cs,
    imageID: imageId(image),
    containerID: newContainerId(),
    ready,
    started: true,
    restartCount: restarted ? cs.restartCount + 1 : cs.restartCount,
    state: { running: { startedAt: timestamp(now) } },
    lastState: restarted && cs.state.terminated ? { terminated: cs.state.terminated } : cs.lastState,
  };
}

export function terminated(
  cs: ContainerStatus,
  now: Date,
  exit: { code: number; reason: string; message?: string; signal?: number },
): ContainerStatus {
  const startedAt = (cs.state.running?.startedAt as string | undefined) ?? timestamp(now);
  const state: Json = {
    exitCode: exit.code,
    reason: exit.reason,
    startedAt,
    finishedAt: timestamp(now),
    containerID: cs.containerID,
  };
  if (exit.message) state.message = exit.message;
  if (exit.signal !== undefined) state.signal = exit.signal;
  return { ...cs, ready: false, started: false, state: { terminated: state } };
}

/** A terminated container goes back to waiting (CrashLoopBackOff), its last run kept as lastState. */
export function backingOff(
  cs: ContainerStatus,
  podName: string,
  namespace: string,
  uid: string,
  backoffMs: number,
): ContainerStatus {
  const seconds = Math.max(1, Math.round(backoffMs / 1000));
  const span = seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;
  return {
    ...cs,
    ready: false,
    started: false,
    state: {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${span} restarting failed container=${cs.name} pod=${podName}_${namespace}(${uid})`,
      },
    },
    lastState: cs.state.terminated ? { terminated: cs.state.terminated } : cs.lastState,
  };
}

export function restartPolicy(pod: K8sObject): 'Always' | 'OnFailure' | 'Never' {
  const p = getPath(pod, 'spec.restartPolicy');
  return p === 'Never' || p === 'OnFailure' ? p : 'Always';
}

/** Whether a container that exited with this code is started again. */
export function restarts(pod: K8sObject, exitCode: number): boolean {
  const policy = restartPolicy(pod);
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

const PENDING_REASONS = new Set([
  'ContainerCreating',
  'PodInitializing',
  'ErrImagePull',
  'ImagePullBackOff',
  'CreateContainerError',
  'CreateContainerConfigError',
  'RunContainerError',
  'InvalidImageName',
]);

/** The phase the containers add up to. */
export function phaseOf(pod: K8sObject, statuses: ContainerStatus[]): string {
  if (statuses.length === 0) return 'Pending';
  const neverStarted = statuses.some(
    (c) =>
      c.state.waiting &&
      PENDING_REASONS.has(String(c.state.waiting.reason)) &&
      c.restartCount === 0 &&
      !c.lastState.terminated,
  );
  if (neverStarted) return 'Pending';
  const done = statuses.every(
    (c) => c.state.terminated && !restarts(pod, Number(c.state.terminated.exitCode)),
  );
  if (done) return statuses.every((c) => Number(c.state.terminated!.exitCode) === 0) ? 'Succeeded' : 'Failed';
  return 'Running';
}

const CONDITION_ORDER = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
];

/** Sets a condition, keeping its lastTransitionTime when its status does not change. */
export function setCondition(
  status: Json,
  type: string,
  value: 'True' | 'False',
  now: Date,
  reason?: string,
  message?: string,
): void {
  const list = (Array.isArray(status.conditions) ? status.conditions.filter(isObject) : []) as Json[];
  const old = list.find((c) => c.type === type);
  const next: Json = {
    type,
    status: value,
    lastProbeTime: null,
    lastTransitionTime: old && old.status === value ? old.lastTransitionTime : timestamp(now),
  };
  if (reason) next.reason = reason;
  if (message) next.message = message;
  const others = list.filter((c) => c.type !== type);
  const all = [...others, next];
  all.sort((a, b) => rank(String(a.type)) - rank(String(b.type)));
  status.conditions = all;
}

function rank(type: string): number {
  const i = CONDITION_ORDER.indexOf(type);
  return i === -1 ? CONDITION_ORDER.length : i;
}

/** Ready and ContainersReady (and the phase) from the container statuses. */
export function settle(pod: K8sObject, status: Json, statuses: ContainerStatus[], now: Date): void {
  status.containerStatuses = statuses;
  const phase = phaseOf(pod, statuses);
  status.phase = phase;
  const notReady = statuses.filter((c) => !c.ready).map((c) => c.name);
  if (phase === 'Succeeded' || phase === 'Failed') {
    const reason = phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';
    setCondition(status, 'Ready', 'False', now, reason);
    setCondition(status, 'ContainersReady', 'False', now, reason);
    setCondition(status, 'PodReadyToStartContainers', 'False', now);
    return;
  }
  if (notReady.length === 0 && statuses.length > 0) {
    setCondition(status, 'Ready', 'True', now);
    setCondition(status, 'ContainersReady', 'True', now);
  } else {
    const message = `containers with unready status: [${notReady.join(' ')}]`;
    setCondition(status, 'Ready', 'False', now, 'ContainersNotReady', message);
    setCondition(status, 'ContainersReady', 'False', now, 'ContainersNotReady', message);
  }
}

export function isPodReady(pod: K8sObject): boolean {
  const conds = getPath(pod, 'status.conditions');
  return Array.isArray(conds) && conds.some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True');
}

/** When the pod became ready (ms since the epoch), for minReadySeconds. */
export function readySince(pod: K8sObject): number | undefined {
  const conds = getPath(pod, 'status.conditions');
  if (!Array.isArray(conds)) return undefined;
  const ready = conds.find((c) => isObject(c) && c.type === 'Ready' && c.status === 'True') as
    Json | undefined;
  return ready && typeof ready.lastTransitionTime === 'string'
    ? Date.parse(ready.lastTransitionTime)
    : undefined;
}

export function isTerminal(pod: K8sObject): boolean {
  const phase = getPath(pod, 'status.phase');
  return phase === 'Succeeded' || phase === 'Failed';
}
