// The process runtime: containers whose image is meshdeck's own (`meshdeck`, `meshdeck:<tag>`,
// `<registry>/<path>/meshdeck:<tag>`) run this meshdeck as a real child process with the container's
// args; images on the allow-list given at start run their `command` from this machine's PATH. Each pod
// gets its own loopback address (127.B.x.y, as a pod network namespace would give it an IP), which is
// its status.podIP: `meshdeck perf serve` is told to listen there, so replicas share a port as pods do.
// Output is kept per run for pods/log; exits are reported back to the kubelet; every process is in its
// own process group, and stop() ends them all (SIGTERM, then SIGKILL after the grace period).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getPath, text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject } from '../base/types.js';
import type { ContainerLog, LogEntry, ProcessLogs } from './logs.js';
import type { ContainerRuntime } from './pod-stages.js';
import type { Json } from '../base/pod-status.js';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface ProcessRuntimeOptions {
  /** Images (exact, or a repository without tag) whose command runs on this machine. */
  allowedImages: string[];
  /** How to run meshdeck itself; default: this Node and this package's bin/meshdeck.js. */
  meshdeckCommand?: string[];
  /** The API server, for KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT. */
  apiServer?: () => { host: string; port: number } | undefined;
  onExit(pod: PodRef, container: string, exit: { code: number; signal?: number }): void;
  onReady(pod: PodRef, container: string): void;
}

/** A process the runtime started, as Sandbox.processes() lists them. */
export interface ProcessInfo {
  namespace: string;
  pod: string;
  container: string;
  pid: number;
  address: string;
  argv: string[];
}

const MAX_LINES = 10_000;
const READY_POLL_MS = 50;
/** Runs of a container whose output is kept (the current and the previous, for --previous). */
const KEPT_RUNS = 2;

/** The repository of an image reference: no digest, no tag. */
function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function isMeshdeckImage(image: string): boolean {
  return basename(repositoryOf(image)) === 'meshdeck';
}

/** This package's launcher, found from this module (dist/src/... or the bundle's lazy chunks). */
function defaultMeshdeckCommand(): string[] {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const bin = join(dir, 'bin', 'meshdeck.js');
    if (existsSync(bin)) return [process.execPath, bin];
    dir = dirname(dir);
  }
  throw new Error('exec: "meshdeck": the meshdeck launcher (bin/meshdeck.js) was not found');
}

function resolveExecutable(cmd: string): string {
  if (cmd.includes('/')) {
    if (existsSync(cmd)) return cmd;
  } else {
    for (const dir of (process.env.PATH ?? '').split(delimiter))
      if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  throw new Error(`exec: "${cmd}": executable file not found in $PATH`);
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map((x) => text(x)) : undefined);

/** Kubernetes' $(VAR) expansion in command and args ($$ escapes). */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) =>
    m === '$$' ? '$' : name !== undefined && name in env ? env[name] : m,
  );
}

/** The output of one run, line by line, with followers until the process ends. */
class RunLog implements ContainerLog {
  private lines: LogEntry[] = [];
  private partial = new Map<string, string>();
  private followers = new Set<{ onEntry: (e: LogEntry) => void; end: () => void }>();
  ended = false;

  write(stream: string, chunk: Buffer): void {
    const parts = ((this.partial.get(stream) ?? '') + chunk.toString('utf8')).split('\n');
    this.partial.set(stream, parts.pop() ?? '');
    for (const line of parts) this.add(line);
  }

  private add(line: string): void {
    const e = { time: Date.now(), text: line };
    this.lines.push(e);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    for (const f of this.followers) f.onEntry(e);
  }

  end(): void {
    if (this.ended) return;
    for (const rest of this.partial.values()) if (rest) this.add(rest);
    this.partial.clear();
    this.ended = true;
    for (const f of [...this.followers]) f.end();
    this.followers.clear();
  }

  entries(): LogEntry[] {
    return [...this.lines];
  }

  follow(onEntry: (e: LogEntry) => void, end: () => void): () => void {
    if (this.ended) {
      setImmediate(end);
      return () => undefined;
    }
    const f = { onEntry, end };
    this.followers.add(f);
    return () => this.followers.delete(f);
  }
}

interface Running {
  pod: PodRef;
  container: string;
  child: ChildProcess;
  argv: string[];
  /** What the process was started with, for exec (the pod's environment and working directory). */
  env: Record<string, string>;
  cwd: string;
  restartCount: number;
  exited: Promise<void>;
  stopping: boolean;
}

/** The environment a container's process runs in, as exec and attach need it. */
export interface ContainerProcess {
  env: Record<string, string>;
  cwd: string;
  address: string;
  /** The output of the running process (for attach). */
  log: ContainerLog | undefined;
}

export class ProcessRuntime implements ContainerRuntime, ProcessLogs {
  private readonly procs = new Map<string, Running[]>();
  private readonly logs = new Map<string, RunLog>();
  private readonly addresses = new Map<string, string>();
  private readonly meshdeck: string[] | undefined;
  /** The second octet of this sandbox's pod addresses: two sandboxes rarely share it. */
  private readonly octet = 16 + Math.floor(Math.random() * 224);
  private nextAddress = 2;
  private readonly killAll = () => {
    for (const list of this.procs.values()) for (const p of list) signalGroup(p.child, 'SIGKILL');
  };

  constructor(private readonly o: ProcessRuntimeOptions) {
    this.meshdeck = o.meshdeckCommand;
    // Should the embedding process exit without stop(), its pods' processes go with it.
    process.on('exit', this.killAll);
  }

  runsAsProcess(_pod: K8sObject, container: Json): boolean {
    const image = text(container.image);
    if (isMeshdeckImage(image)) return true;
    return this.o.allowedImages.some((a) => a === image || a === repositoryOf(image));
  }

  /** The pod's loopback address when any of its containers runs as a process. */
  addressFor(pod: K8sObject): string | undefined {
    const uid = pod.metadata.uid!;
    const known = this.addresses.get(uid);
    if (known) return known;
    const containers = getPath(pod, 'spec.containers');
    if (!Array.isArray(containers) || !containers.filter(isObject).some((c) => this.runsAsProcess(pod, c)))
      return undefined;
    // A pod restored from the data dir keeps its podIP (any 127.x address is this machine's).
    const previous = text(getPath(pod, 'status.podIP'));
    const taken = new Set(this.addresses.values());
    let address = /^127\.\d+\.\d+\.\d+$/.test(previous) && !taken.has(previous) ? previous : '';
    while (!address || taken.has(address)) {
      const n = this.nextAddress++;
      address = `127.${this.octet}.${(n >> 8) & 255}.${n & 255}`;
    }
    this.addresses.set(uid, address);
    return address;
  }

  private argv(pod: K8sObject, container: Json, env: Record<string, string>, address: string): string[] {
    const command = strings(container.command)?.map((a) => expand(a, env));
    const args = strings(container.args)?.map((a) => expand(a, env)) ?? [];
    if (!isMeshdeckImage(text(container.image))) {
      const argv = [...(command ?? []), ...args];
      if (argv.length === 0)
        throw new Error(
          `no command: the allow-listed image "${text(container.image)}" runs its command on this machine`,
        );
      return [resolveExecutable(argv[0]), ...argv.slice(1)];
    }
    const entry = command ?? ['meshdeck'];
    if (basename(entry[0] ?? '') !== 'meshdeck')
      throw new Error(`exec: "${entry[0] ?? ''}": executable file not found in $PATH`);
    const rest = [...entry.slice(1), ...args];
    // The echo target listens on the pod's own address unless told otherwise.
    if (
      rest[0] === 'perf' &&
      rest[1] === 'serve' &&
      !rest.some((a) => a === '--host' || a.startsWith('--host='))
    )
      rest.push('--host', address);
    return [...(this.meshdeck ?? defaultMeshdeckCommand()), ...rest];
  }

  private envOf(pod: K8sObject, container: Json, address: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'XDG_CONFIG_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME'])
      if (process.env[k] !== undefined) env[k] = process.env[k]!;
    env.HOSTNAME = pod.metadata.name!;
    env.NO_COLOR = '1';
    const api = this.o.apiServer?.();
    if (api) {
      env.KUBERNETES_SERVICE_HOST = api.host;
      env.KUBERNETES_SERVICE_PORT = String(api.port);
    }
    const field = (path: string): string | undefined => {
      if (path === 'status.podIP') return address;
      const v = getPath(pod, path);
      return v === undefined ? undefined : text(v);
    };
    for (const e of Array.isArray(container.env) ? container.env.filter(isObject) : []) {
      const name = text(e.name);
      if (!name) continue;
      if (typeof e.value === 'string') env[name] = expand(e.value, env);
      else if (isObject(e.valueFrom) && isObject(e.valueFrom.fieldRef)) {
        const v = field(text(e.valueFrom.fieldRef.fieldPath));
        if (v !== undefined) env[name] = v;
      } else if (e.value === undefined) env[name] = '';
    }
    return env;
  }

  start(pod: K8sObject, container: Json, restartCount: number): void {
    const ref: PodRef = {
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name!,
      uid: pod.metadata.uid!,
    };
    const name = text(container.name);
    const address = this.addressFor(pod) ?? '127.0.0.1';
    const env = this.envOf(pod, container, address);
    const argv = this.argv(pod, container, env, address);
    const cwd = workingDir(container);
    const child = spawn(argv[0], argv.slice(1), {
      env,
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = new RunLog();
    this.logs.set(`${ref.uid}/${name}/${restartCount}`, log);
    this.logs.delete(`${ref.uid}/${name}/${restartCount - KEPT_RUNS}`);
    child.stdout?.on('data', (c: Buffer) => log.write('out', c));
    child.stderr?.on('data', (c: Buffer) => log.write('err', c));
    let failure: Error | undefined;
    child.on('error', (err) => (failure = err));
    const run: Running = {
      pod: ref,
      container: name,
      child,
      argv,
      env,
      cwd,
      restartCount,
      stopping: false,
      exited: Promise.resolve(),
    };
    run.exited = new Promise<void>((resolve) => {
      child.on('close', (code, signal) => {
        log.end();
        const list = (this.procs.get(ref.uid) ?? []).filter((p) => p !== run);
        if (list.length) this.procs.set(ref.uid, list);
        else this.procs.delete(ref.uid);
        resolve();
        if (run.stopping) return;
        const signo = signal ? constants.signals[signal] : undefined;
        if (failure) log.write('err', Buffer.from(`${failure.message}\n`));
        this.o.onExit(ref, name, { code: code ?? (signo ? 128 + signo : 128), signal: signo });
      });
    });
    this.procs.set(ref.uid, [...(this.procs.get(ref.uid) ?? []), run]);
    this.watchReady(run, container, address);
  }

  /** Ready once every declared TCP port (or the readiness probe's port) accepts a connection. */
  private watchReady(run: Running, container: Json, address: string): void {
    const ports = new Set<number>();
    for (const p of Array.isArray(container.ports) ? container.ports.filter(isObject) : [])
      if (typeof p.containerPort === 'number' && (p.protocol ?? 'TCP') === 'TCP') ports.add(p.containerPort);
    const probe = isObject(container.readinessProbe) ? container.readinessProbe : undefined;
    const probePort = probe && (getPath(probe, 'httpGet.port') ?? getPath(probe, 'tcpSocket.port'));
    if (typeof probePort === 'number') ports.add(probePort);
    let left = ports.size;
    const alive = () => run.child.exitCode === null && run.child.signalCode === null && !run.stopping;
    if (left === 0) {
      setImmediate(() => alive() && this.o.onReady(run.pod, run.container));
      return;
    }
    for (const port of ports) {
      const attempt = () => {
        if (!alive()) return;
        const socket = connect({ host: address, port });
        socket.once('connect', () => {
          socket.destroy();
          if (--left === 0 && alive()) this.o.onReady(run.pod, run.container);
        });
        socket.once('error', () => {
          socket.destroy();
          setTimeout(attempt, READY_POLL_MS).unref();
        });
      };
      attempt();
    }
  }

  running(podUid: string): boolean {
    return (this.procs.get(podUid)?.length ?? 0) > 0;
  }

  hasProcess(podUid: string, container: string): boolean {
    return (this.procs.get(podUid) ?? []).some((p) => p.container === container);
  }

  canStart(): boolean {
    return !this.o.apiServer || this.o.apiServer() !== undefined;
  }

  /** The live process of one container: what exec runs beside, attach follows, port-forward dials. */
  containerProcess(podUid: string, container: string): ContainerProcess | undefined {
    const run = this.procs.get(podUid)?.find((p) => p.container === container && !p.stopping);
    if (!run || run.child.exitCode !== null || run.child.signalCode !== null) return undefined;
    return {
      env: { ...run.env },
      cwd: run.cwd,
      address: this.addresses.get(podUid) ?? '127.0.0.1',
      log: this.logs.get(`${podUid}/${container}/${run.restartCount}`),
    };
  }

  async stop(podUid: string, graceMs: number): Promise<void> {
    const list = this.procs.get(podUid) ?? [];
    await Promise.all(list.map((p) => this.end(p, graceMs)));
  }

  private async end(p: Running, graceMs: number): Promise<void> {
    p.stopping = true;
    signalGroup(p.child, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
    const timer = graceMs > 0 ? setTimeout(() => signalGroup(p.child, 'SIGKILL'), graceMs) : undefined;
    await p.exited;
    clearTimeout(timer);
  }

  /** The pod is gone: its processes (if any) are killed, its address and output forgotten. */
  forget(podUid: string): void {
    void this.stop(podUid, 0).then(() => {
      this.addresses.delete(podUid);
      for (const key of [...this.logs.keys()]) if (key.startsWith(`${podUid}/`)) this.logs.delete(key);
    });
  }

  log(podUid: string, container: string, restartCount: number): ContainerLog | undefined {
    return this.logs.get(`${podUid}/${container}/${restartCount}`);
  }

  list(): ProcessInfo[] {
    const out: ProcessInfo[] = [];
    for (const list of this.procs.values())
      for (const p of list)
        out.push({
          namespace: p.pod.namespace,
          pod: p.pod.name,
          container: p.container,
          pid: p.child.pid ?? 0,
          address: this.addresses.get(p.pod.uid) ?? '',
          argv: p.argv,
        });
    return out;
  }

  /** Ends every process: SIGTERM, SIGKILL after graceMs; resolves once all have exited. */
  async stopAll(graceMs = 2000): Promise<void> {
    await Promise.all([...this.procs.values()].flat().map((p) => this.end(p, graceMs)));
    process.off('exit', this.killAll);
  }
}

/** The container's workingDir when it exists on this machine, else a temporary folder. */
function workingDir(container: Json): string {
  const dir = typeof container.workingDir === 'string' ? container.workingDir : '';
  return dir && existsSync(dir) ? dir : tmpdir();
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}
