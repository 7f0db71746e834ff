// A sandbox cluster started in the test process, with a TestHome whose kubeconfig points at it (so the
// built-in `local` context reaches it), the real kubectl beside meshdeck, and a record of every request the
// sandbox saw, to tell what a command changed. Each test file gets its own sandbox on a port of its own.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  startSandbox,
  type Identity,
  type RequestRecord,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox/index.js';
import { runProcess, TestHome, type RunOptions, type RunResult } from './cli.js';

/** Requests that change something: every write except the access reviews a preflight asks. */
export function isChange(r: RequestRecord): boolean {
  if (r.method === 'GET' || r.method === 'HEAD') return false;
  return !/\/apis\/authorization\.k8s\.io\/v1\/(self)?subject(access|rules)reviews/.test(r.url);
}

export interface ClusterHomeOptions extends SandboxOptions {
  /** Keep the sandbox's objects in a folder, so it can be restarted with them (restart()). */
  persistent?: boolean;
}

/**
 * For tests that read an unchanged resourceVersion as "nothing was written": the kubelet's lease renewal
 * (every 10 s) is the sandbox's only timed write, so here it waits an hour instead.
 */
export const NO_TIMED_WRITES: ClusterHomeOptions = { nodeHeartbeatSeconds: 3600 };

export class ClusterHome {
  readonly home = new TestHome();
  readonly requests: RequestRecord[] = [];
  readonly errors: unknown[] = [];
  sandbox!: Sandbox;
  private dataDir?: string;
  private options: SandboxOptions = {};

  static async start(options: ClusterHomeOptions = {}): Promise<ClusterHome> {
    const c = new ClusterHome();
    const { persistent, ...rest } = options;
    if (persistent) c.dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-sandbox-data-'));
    c.options = rest;
    await c.boot(0);
    return c;
  }

  private async boot(port: number): Promise<void> {
    this.sandbox = await startSandbox({
      timeScale: 0.05,
      ...this.options,
      port,
      dataDir: this.dataDir,
      onRequest: (r) => {
        this.requests.push(r);
        this.options.onRequest?.(r);
      },
      onError: (e) => this.errors.push(e),
    });
    mkdirSync(dirname(this.home.env.KUBECONFIG), { recursive: true });
    writeFileSync(this.home.env.KUBECONFIG, this.sandbox.kubeconfig, { mode: 0o600 });
  }

  /** Stops the sandbox and starts it again on the same port with the same objects (persistent only). */
  async restart(between?: () => Promise<void>): Promise<void> {
    if (!this.dataDir) throw new Error('restart() needs ClusterHome.start({persistent: true})');
    const port = Number(new URL(this.sandbox.url).port);
    await this.sandbox.stop();
    await between?.();
    await this.boot(port);
  }

  /** A kubeconfig file for a restricted identity (token by default), for --kubeconfig. */
  kubeconfigFor(identity: Identity, method: 'token' | 'cert' = 'token'): string {
    const file = join(this.home.root, `kubeconfig-${identity.user}-${method}`);
    writeFileSync(file, this.sandbox.kubeconfigFor(identity, { method }), { mode: 0o600 });
    return file;
  }

  /** Writes a file under the home and returns its path. */
  file(name: string, text: string): string {
    const path = join(this.home.root, 'work', name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  meshdeck(args: string[], options: RunOptions = {}): Promise<RunResult> {
    return this.home.run(args, { timeoutMs: 60_000, ...options });
  }

  /** The real kubectl, as the admin (or with another kubeconfig). */
  kubectl(args: string[], options: RunOptions & { kubeconfig?: string } = {}): Promise<RunResult> {
    return runProcess('kubectl', args, {
      ...options,
      env: {
        HOME: this.home.root,
        KUBECONFIG: options.kubeconfig ?? this.home.env.KUBECONFIG,
        ...options.env,
      },
    });
  }

  /** kubectl get -o json, parsed; undefined when not found. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests walk the objects kubectl prints
  async get(args: string[]): Promise<any> {
    const r = await this.kubectl(['get', ...args, '-o', 'json']);
    if (r.code !== 0) {
      if (/NotFound|not found/.test(r.stderr)) return undefined;
      throw new Error(`kubectl get ${args.join(' ')}: ${r.stderr}`);
    }
    return JSON.parse(r.stdout);
  }

  /** Requests seen from now on, for "what did this command change?". */
  mark(): { changes(): RequestRecord[]; all(): RequestRecord[] } {
    const from = this.requests.length;
    return {
      all: () => this.requests.slice(from),
      changes: () => this.requests.slice(from).filter(isChange),
    };
  }

  async stop(): Promise<void> {
    await this.home.run(['provider', 'stop']).catch(() => undefined);
    await this.sandbox.stop();
    this.home.cleanup();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
