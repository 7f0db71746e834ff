// What the kubelet's streaming server needs from a pod for exec, attach and port-forward: the container
// chosen as the apiserver chooses it, and its real process (meshdeck's image, allowed images). exec runs
// the command on this machine as a child of the sandbox with the environment and working directory the
// container's process got; attach follows the process's output; port-forward dials the pod's own
// loopback address. Simulated containers have nothing behind them: a 400 says so, worded so that it does
// not read like a missing pod.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Errors } from '../base/status.js';
import { getPath, text } from '../base/paths.js';
import type { K8sObject } from '../base/types.js';
import { specContainers } from '../base/pod-status.js';
import { chooseContainer, type ContainerLog } from './logs.js';
import type { ProcessRuntime } from './process-runtime.js';

export type StreamingKind = 'exec' | 'attach' | 'portforward';

export interface ExecTarget {
  container: string;
  /** Starts the command beside the container's process; throws when the command is not found. */
  spawn(command: string[], options: { stdin: boolean }): ChildProcess;
}

export interface AttachTarget {
  container: string;
  log: ContainerLog;
}

export interface PortForwardTarget {
  /** The pod's own loopback address (its podIP). */
  address: string;
  describe: string;
  uid: string;
}

const PHRASE: Record<StreamingKind, string> = {
  exec: 'exec into',
  attach: 'attach to',
  portforward: 'port-forward to',
};

function unsupported(kind: StreamingKind, what: string): never {
  const verb = kind === 'portforward' ? 'port-forward' : kind;
  throw Errors.badRequest(
    `the sandbox does not support ${verb} for simulated containers: ${what} (only containers of meshdeck's image, and images the sandbox allows, run as real processes)`,
  );
}

export class PodStreaming {
  private readonly children = new Set<ChildProcess>();

  constructor(private readonly runtime: ProcessRuntime) {}

  exec(pod: K8sObject, container: string | undefined): ExecTarget {
    const name = this.runningContainer(pod, container, 'exec');
    const proc = this.runtime.containerProcess(pod.metadata.uid!, name)!;
    return {
      container: name,
      spawn: (command, options) => {
        const file = resolveOnPath(command[0] ?? '', proc.env.PATH ?? '');
        const child = spawn(file, command.slice(1), {
          env: proc.env,
          cwd: proc.cwd,
          stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        });
        this.children.add(child);
        child.once('close', () => this.children.delete(child));
        child.once('error', () => this.children.delete(child));
        return child;
      },
    };
  }

  attach(pod: K8sObject, container: string | undefined): AttachTarget {
    const name = this.runningContainer(pod, container, 'attach');
    const log = this.runtime.containerProcess(pod.metadata.uid!, name)?.log;
    if (!log) throw Errors.badRequest(`container not found ("${name}")`);
    return { container: name, log };
  }

  portForward(pod: K8sObject): PortForwardTarget {
    this.checkPod(pod, 'portforward');
    const containers = specContainers(pod);
    const real = containers.filter((c) => this.runtime.runsAsProcess(pod, c));
    if (real.length === 0)
      unsupported('portforward', `pod "${pod.metadata.name}" has no container that runs as a process`);
    const running = real.find((c) => this.runtime.containerProcess(pod.metadata.uid!, text(c.name)));
    if (!running) throw Errors.badRequest(`container not found ("${text(real[0].name)}")`);
    const proc = this.runtime.containerProcess(pod.metadata.uid!, text(running.name))!;
    return {
      address: proc.address,
      describe: `${pod.metadata.name}_${pod.metadata.namespace}`,
      uid: pod.metadata.uid!,
    };
  }

  /** Ends the commands exec started (the sandbox is stopping). */
  stop(): void {
    for (const child of this.children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    this.children.clear();
  }

  private checkPod(pod: K8sObject, kind: StreamingKind): void {
    const name = pod.metadata.name ?? '';
    if (!getPath(pod, 'spec.nodeName')) throw Errors.badRequest(`pod ${name} does not have a host assigned`);
    const phase = getPath(pod, 'status.phase');
    if (phase === 'Succeeded' || phase === 'Failed')
      throw Errors.badRequest(
        `cannot ${PHRASE[kind]} a container in a completed pod; current phase is ${text(phase)}`,
      );
  }

  /** The container the request names (or the only one), which must be a running process. */
  private runningContainer(pod: K8sObject, wanted: string | undefined, kind: StreamingKind): string {
    this.checkPod(pod, kind);
    const spec = chooseContainer(pod, wanted || undefined);
    const name = text(spec.name);
    if (!this.runtime.runsAsProcess(pod, spec))
      unsupported(
        kind,
        `container "${name}" of pod "${pod.metadata.name}" is simulated (image "${text(spec.image)}")`,
      );
    if (!this.runtime.containerProcess(pod.metadata.uid!, name))
      throw Errors.badRequest(`container not found ("${name}")`);
    return name;
  }
}

/** Like a container runtime's exec: the command from the container's PATH; the runtime's error if none. */
function resolveOnPath(cmd: string, path: string): string {
  if (cmd === '') throw new Error('exec: "": executable file not found in $PATH');
  if (cmd.includes('/')) {
    if (existsSync(cmd)) return cmd;
    throw new Error(`exec: "${cmd}": stat ${cmd}: no such file or directory`);
  }
  for (const dir of path.split(delimiter)) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  throw new Error(`exec: "${cmd}": executable file not found in $PATH`);
}
