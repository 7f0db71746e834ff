// How a simulated pod behaves: the sandbox-wide stage delays (scaled by the time scale) and what a pod's
// annotations (or its template's, which pods inherit) ask for: other delays, a run length and exit code,
// and injected faults (crash loop, never ready, image pull failure, OOMKilled).
import { parseDuration } from '../../core/duration.js';
import { getPath } from './paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject } from './types.js';

export const ANNOTATION_PREFIX = 'sandbox.meshdeck.dev/';

/** Delays of the pod stages at time scale 1, in milliseconds. */
export interface StageDelays {
  /** From scheduled to containers running (image pull, create, start). */
  startMs: number;
  /** From running to ready (a readiness probe's initialDelaySeconds wins when set). */
  readyMs: number;
  /** How long a Job's pod runs before its containers exit 0. */
  jobRunMs: number;
  /** How long a deleted pod's simulated containers take to stop (never longer than the grace period). */
  stopMs: number;
  /** How long a crash-looping (or OOMKilled) container runs before it dies. */
  crashAfterMs: number;
  /** The kubelet's first restart back-off, doubled per restart up to 5 minutes. */
  backoffMs: number;
}

/** KWOK's "fast" profile: pods run and become ready at once, Job pods complete at once. */
export const FAST_DELAYS: StageDelays = {
  startMs: 0,
  readyMs: 0,
  jobRunMs: 0,
  stopMs: 1000,
  crashAfterMs: 500,
  backoffMs: 10_000,
};

const MAX_BACKOFF_MS = 300_000;

export type Fault = 'crash-loop' | 'never-ready' | 'image-pull-failure' | 'oom-killed';
export const FAULTS: readonly Fault[] = ['crash-loop', 'never-ready', 'image-pull-failure', 'oom-killed'];

/** An annotation's duration in ms: Go syntax ("500ms", "1m30s") or a bare number of seconds; else undefined. */
export function annotationDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Number(text) * 1000;
  try {
    return parseDuration(text);
  } catch {
    // A bad annotation is ignored, as the kubelet ignores annotations it does not understand.
    return undefined;
  }
}

export class Timing {
  constructor(
    readonly delays: StageDelays,
    /** Multiplies every simulated delay. */
    readonly scale: number,
  ) {}

  scaled(ms: number): number {
    return Math.max(0, Math.round(ms * this.scale));
  }

  /** The restart back-off after `restarts` restarts: 10 s, 20 s, 40 s ... capped at 5 minutes. */
  backoff(restarts: number): number {
    return this.scaled(Math.min(this.delays.backoffMs * 2 ** Math.max(0, restarts - 1), MAX_BACKOFF_MS));
  }
}

function annotation(pod: K8sObject, name: string): string | undefined {
  return pod.metadata.annotations?.[`${ANNOTATION_PREFIX}${name}`];
}

function containerNames(pod: K8sObject): string[] {
  const cs = getPath(pod, 'spec.containers');
  return Array.isArray(cs) ? cs.filter(isObject).map((c) => String(c.name)) : [];
}

/** What one pod is asked to do; delays are already scaled. */
export interface PodBehaviour {
  startMs: number;
  stopMs: number;
  fault?: Fault;
  /** The container the fault hits (the first container unless named). */
  faultContainer?: string;
  readyMs(container: string): number;
  /**
   * Whether the container never becomes ready: never-ready, and crash loops and OOM kills, which die
   * before a readiness probe would pass (else a rollout could count a crashing pod available for a moment).
   */
  neverReady(container: string): boolean;
  /** How long the container runs before it exits; undefined: it runs until stopped. */
  runMs(container: string): number | undefined;
  exit(container: string): { code: number; reason: string; message?: string };
}

export function behaviourOf(pod: K8sObject, timing: Timing): PodBehaviour {
  const d = timing.delays;
  const faultText = annotation(pod, 'fault');
  const fault = FAULTS.includes(faultText as Fault) ? (faultText as Fault) : undefined;
  const names = containerNames(pod);
  const faultContainer = fault ? (annotation(pod, 'fault-container') ?? names[0]) : undefined;
  const hit = (c: string) => fault !== undefined && c === faultContainer;
  const delay = (name: string, fallback: number) =>
    timing.scaled(annotationDuration(annotation(pod, name)) ?? fallback);
  const ownedByJob = (pod.metadata.ownerReferences ?? []).some((r) => r.kind === 'Job' && r.controller);
  const runFor = annotationDuration(annotation(pod, 'run-duration'));
  const exitCode = Number(annotation(pod, 'exit-code') ?? 0);
  const probeDelay = (c: string): number | undefined => {
    const spec = (getPath(pod, 'spec.containers') as unknown[] | undefined)
      ?.filter(isObject)
      .find((x) => x.name === c);
    const probe = spec && isObject(spec.readinessProbe) ? spec.readinessProbe : undefined;
    return probe ? Number(probe.initialDelaySeconds ?? 0) * 1000 : undefined;
  };
  return {
    startMs: delay('start-delay', d.startMs),
    stopMs: delay('stop-delay', d.stopMs),
    fault,
    faultContainer,
    readyMs: (c) =>
      timing.scaled(annotationDuration(annotation(pod, 'ready-delay')) ?? probeDelay(c) ?? d.readyMs),
    neverReady: (c) => hit(c) && fault !== 'image-pull-failure',
    runMs(c) {
      if (hit(c) && (fault === 'crash-loop' || fault === 'oom-killed')) return timing.scaled(d.crashAfterMs);
      if (runFor !== undefined) return timing.scaled(runFor);
      return ownedByJob ? timing.scaled(d.jobRunMs) : undefined;
    },
    exit(c) {
      if (hit(c) && fault === 'oom-killed') return { code: 137, reason: 'OOMKilled' };
      if (hit(c) && fault === 'crash-loop')
        return {
          code: 1,
          reason: 'Error',
          message: 'simulated crash (sandbox.meshdeck.dev/fault: crash-loop)',
        };
      const code = Number.isInteger(exitCode) ? exitCode : 1;
      return { code, reason: code === 0 ? 'Completed' : 'Error' };
    },
  };
}
