// pods/log: a container's output as the kubelet serves it (text/plain; container, follow, tailLines,
// previous, sinceSeconds, sinceTime, timestamps, limitBytes), with the kubelet's 400s for a pod with
// several containers and none named, an unknown container, one that has not started, or no previous
// run. Process containers have their real output; simulated ones a synthetic log whose lines appear as
// time passes (a start banner, then a line every few seconds, scaled), so follow streams until the
// container stops.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { Errors } from '../base/status.js';
import { text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject } from '../base/types.js';
import type { Timing } from '../base/behaviour.js';
import { containerStatusesOf, specContainers, type ContainerStatus, type Json } from '../base/pod-status.js';

export interface LogEntry {
  /** ms since the epoch */
  time: number;
  text: string;
}

/** One run of a container: what it has written, and what it writes next until it stops. */
export interface ContainerLog {
  entries(): LogEntry[];
  /** New entries as they come; `end` when the run is over. Returns an unsubscribe. */
  follow(onEntry: (e: LogEntry) => void, end: () => void): () => void;
}

/** Logs of process containers (the process runtime), by pod uid, container and restart count. */
export interface ProcessLogs {
  log(podUid: string, container: string, restartCount: number): ContainerLog | undefined;
  runsAsProcess(pod: K8sObject, container: Json): boolean;
}

/** Synthetic lines are spaced this far apart at time scale 1. */
const LINE_INTERVAL_MS = 5000;
/** The kubelet rotates logs; a synthetic log keeps this many lines. */
const MAX_LINES = 10_000;

function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function parseTime(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

/** A simulated container's log: deterministic lines from its start to now (or its end). */
export function syntheticLog(
  pod: K8sObject,
  spec: Json,
  run: { startedAt: number; finishedAt?: number; exitCode?: number },
  timing: Timing,
  stillRunning: () => boolean,
): ContainerLog {
  const interval = Math.max(20, timing.scaled(LINE_INTERVAL_MS));
  const name = String(spec.name);
  const image = text(spec.image);
  const seed = createHash('sha256').update(`${pod.metadata.uid}/${name}`).digest()[0];
  const ports = (Array.isArray(spec.ports) ? spec.ports.filter(isObject) : []).map((p) => p.containerPort);
  const paths = ['/', '/healthz', '/api/v1/items', '/metrics', '/api/v1/orders'];
  const line = (k: number): string => {
    if (k === 0) return `starting ${name} (${image}) in pod ${pod.metadata.namespace}/${pod.metadata.name}`;
    if (k === 1)
      return ports.length ? `listening on ${ports.map((p) => `:${String(p)}`).join(', ')}` : 'ready';
    const path = paths[(k + seed) % paths.length];
    const ms = ((k * 37 + seed) % 90) + 1;
    return `GET ${path} 200 ${ms}ms`;
  };
  const endLine = (): LogEntry | undefined => {
    if (run.finishedAt === undefined) return undefined;
    const text = run.exitCode === 0 ? 'done' : `fatal: exiting with code ${run.exitCode ?? 1}`;
    return { time: run.finishedAt, text };
  };
  const at = (k: number) => run.startedAt + k * interval;
  const until = () => Math.min(Date.now(), run.finishedAt ?? Infinity);
  return {
    entries() {
      const last = Math.floor((until() - run.startedAt) / interval);
      const first = Math.max(0, last - MAX_LINES + 1);
      const out: LogEntry[] = [];
      for (let k = first; k <= last && at(k) <= until(); k++) out.push({ time: at(k), text: line(k) });
      const end = endLine();
      if (end) out.push(end);
      return out;
    },
    follow(onEntry, end) {
      let k = Math.floor((until() - run.startedAt) / interval) + 1;
      let timer: NodeJS.Timeout | undefined;
      const tick = () => {
        if (!stillRunning()) return end();
        while (at(k) <= Date.now()) onEntry({ time: at(k), text: line(k++) });
        timer = setTimeout(tick, Math.max(5, at(k) - Date.now()));
      };
      if (run.finishedAt !== undefined) {
        setImmediate(end);
        return () => undefined;
      }
      timer = setTimeout(tick, Math.max(5, at(k) - Date.now()));
      return () => clearTimeout(timer);
    },
  };
}

interface LogQuery {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceMs?: number;
  limitBytes?: number;
}

function parseQuery(q: URLSearchParams): LogQuery {
  const int = (name: string) => {
    const v = q.get(name);
    if (v === null) return undefined;
    if (!/^-?\d+$/.test(v)) throw Errors.badRequest(`${name}: Invalid value: "${v}": must be an integer`);
    return Number(v);
  };
  const bool = (name: string) => q.get(name) === 'true' || q.get(name) === '1';
  const sinceSeconds = int('sinceSeconds');
  const sinceTime = parseTime(q.get('sinceTime') ?? undefined);
  if (sinceSeconds !== undefined && sinceSeconds < 1)
    throw Errors.badRequest('sinceSeconds: Invalid value: must be greater than 0');
  const tail = int('tailLines');
  const limit = int('limitBytes');
  return {
    container: q.get('container') ?? undefined,
    follow: bool('follow'),
    previous: bool('previous'),
    timestamps: bool('timestamps'),
    tailLines: tail !== undefined && tail >= 0 ? tail : undefined,
    sinceMs: sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime,
    limitBytes: limit !== undefined && limit > 0 ? limit : undefined,
  };
}

export function chooseContainer(pod: K8sObject, wanted: string | undefined): Json {
  const containers = specContainers(pod);
  const inits = specContainers(pod, 'initContainers');
  const name = pod.metadata.name;
  if (wanted === undefined) {
    if (containers.length === 1) return containers[0];
    const names = containers.map((c) => String(c.name)).join(' ');
    const initNames = inits.map((c) => String(c.name)).join(' ');
    throw Errors.badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names}]${inits.length ? ` or one of the init containers: [${initNames}]` : ''}`,
    );
  }
  const found = [...containers, ...inits].find((c) => c.name === wanted);
  if (!found) throw Errors.badRequest(`container ${wanted} is not valid for pod ${name}`);
  return found;
}

export class PodLogs {
  constructor(
    private readonly timing: Timing,
    private readonly processes: ProcessLogs | undefined,
    /** The pod as it is now (for follow: has the container stopped?). */
    private readonly current: (namespace: string, name: string) => K8sObject | undefined,
  ) {}

  private statusOf(pod: K8sObject, container: string): ContainerStatus | undefined {
    return [...containerStatusesOf(pod), ...containerStatusesOf(pod, 'initContainerStatuses')].find(
      (c) => c.name === container,
    );
  }

  /** The log of the container's current (or previous) run. */
  private logOf(pod: K8sObject, spec: Json, previous: boolean): ContainerLog {
    const name = String(spec.name);
    const cs = this.statusOf(pod, name);
    const waiting = cs?.state.waiting?.reason as string | undefined;
    if (previous) {
      const last = cs?.lastState.terminated;
      if (!cs || !last)
        throw Errors.badRequest(
          `previous terminated container "${name}" in pod "${pod.metadata.name}" not found`,
        );
      const fromProcess = this.processes?.log(pod.metadata.uid!, name, Math.max(0, cs.restartCount - 1));
      if (fromProcess) return fromProcess;
      // A process's output is not kept across a restart of the sandbox: nothing made up instead.
      if (this.processes?.runsAsProcess(pod, spec))
        throw Errors.badRequest(
          `previous terminated container "${name}" in pod "${pod.metadata.name}" not found`,
        );
      return syntheticLog(
        pod,
        spec,
        {
          startedAt: parseTime(last.startedAt as string) ?? Date.now(),
          finishedAt: parseTime(last.finishedAt as string) ?? Date.now(),
          exitCode: Number(last.exitCode),
        },
        this.timing,
        () => false,
      );
    }
    if (!cs || (!cs.state.running && !cs.state.terminated)) {
      const why =
        waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff'
          ? 'trying and failing to pull image'
          : (waiting ?? 'ContainerCreating');
      throw Errors.badRequest(
        `container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${why}`,
      );
    }
    const fromProcess = this.processes?.log(pod.metadata.uid!, name, cs.restartCount);
    if (fromProcess) return fromProcess;
    const run = cs.state.running ?? cs.state.terminated!;
    const term = cs.state.terminated;
    const containerID = cs.containerID;
    return syntheticLog(
      pod,
      spec,
      {
        startedAt: parseTime(run.startedAt as string) ?? Date.now(),
        finishedAt: term ? (parseTime(term.finishedAt as string) ?? Date.now()) : undefined,
        exitCode: term ? Number(term.exitCode) : undefined,
      },
      this.timing,
      () => {
        const now = this.current(pod.metadata.namespace ?? '', pod.metadata.name!);
        if (!now || now.metadata.uid !== pod.metadata.uid) return false;
        const s = this.statusOf(now, name);
        return s?.containerID === containerID && s?.state.running !== undefined;
      },
    );
  }

  serve(req: IncomingMessage, res: ServerResponse, pod: K8sObject, query: URLSearchParams): void {
    const q = parseQuery(query);
    const spec = chooseContainer(pod, q.container);
    const log = this.logOf(pod, spec, q.previous);
    let entries = log.entries();
    if (q.sinceMs !== undefined) entries = entries.filter((e) => e.time >= q.sinceMs!);
    if (q.tailLines !== undefined) entries = q.tailLines === 0 ? [] : entries.slice(-q.tailLines);
    const render = (e: LogEntry) => `${q.timestamps ? `${rfc3339Nano(e.time)} ` : ''}${e.text}\n`;
    let budget = q.limitBytes ?? Infinity;
    res.writeHead(200, {
      'Content-Type': 'text/plain',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    const write = (text: string): boolean => {
      if (budget <= 0) return false;
      const buf = Buffer.from(text);
      if (buf.length > budget) {
        res.write(buf.subarray(0, budget));
        budget = 0;
        return false;
      }
      budget -= buf.length;
      res.write(buf);
      return true;
    };
    for (const e of entries) if (!write(render(e))) break;
    if (!q.follow || budget <= 0 || req.method === 'HEAD') {
      res.end();
      return;
    }
    let done = false;
    let stop = () => {};
    const finish = () => {
      if (done) return;
      done = true;
      stop();
      res.end();
    };
    stop = log.follow((e) => {
      if (!done && !write(render(e))) finish();
    }, finish);
    res.on('close', finish);
  }
}
