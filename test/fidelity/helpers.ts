// Fidelity tests run the real kubectl (several versions) and @kubernetes/client-node against a sandbox
// started in this process. Every kubectl call gets a fresh HOME (so a fresh discovery cache) unless a
// test shares one on purpose.
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  startSandbox,
  type RequestRecord,
  type Sandbox,
  type SandboxOptions,
} from '../../src/sandbox/index.js';
import { runProcess, type RunResult } from '../helpers/cli.js';
import { DEBIAN_PYTHON } from '../helpers/programs.js';

function which(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  throw new Error(`${name} is not on PATH`);
}

/** kubectl on PATH (1.32 here), and the versioned binaries that sit beside it. */
export const KUBECTL = which('kubectl');
const KUBECTL_DIR = dirname(realpathSync(KUBECTL));
export function kubectlBinary(version?: string): string {
  return version ? join(KUBECTL_DIR, `kubectl.${version}`) : KUBECTL;
}
/** The versions the core tests run with. */
export const KUBECTL_VERSIONS = ['1.27', '1.32', '1.33'];

export class KubectlHome {
  readonly root: string;
  readonly kubeconfig: string;

  constructor(kubeconfig: string) {
    this.root = realpathSync(mkdtempSync(join(tmpdir(), 'meshdeck-fidelity-')));
    this.kubeconfig = join(this.root, 'kubeconfig');
    writeFileSync(this.kubeconfig, kubeconfig, { mode: 0o600 });
  }

  file(name: string, content: string): string {
    const p = join(this.root, name);
    writeFileSync(p, content);
    return p;
  }

  run(
    args: string[],
    options: { version?: string; input?: string; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    return runProcess(kubectlBinary(options.version), args, {
      env: { HOME: this.root, KUBECONFIG: this.kubeconfig },
      input: options.input,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  }

  /**
   * Runs a script with the official Python client (Debian's python3-kubernetes) against this home's
   * kubeconfig; `config.load_kube_config()` in the script finds it. Call needPrograms(t,
   * PYTHON_KUBERNETES) first. Print JSON on stdout and parse it in the test.
   */
  python(script: string, options: { timeoutMs?: number } = {}): Promise<RunResult> {
    return runProcess(DEBIAN_PYTHON, ['-c', script], {
      env: { HOME: this.root, KUBECONFIG: this.kubeconfig, PYTHONDONTWRITEBYTECODE: '1' },
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface TestSandbox {
  sandbox: Sandbox;
  requests: RequestRecord[];
  errors: unknown[];
  /** A fresh kubectl home with the admin kubeconfig (or another one). */
  home(kubeconfig?: string): KubectlHome;
  /** A client-node KubeConfig for the admin (or another kubeconfig). */
  kubeConfig(kubeconfig?: string): k8s.KubeConfig;
  stop(): Promise<void>;
}

export async function testSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const requests: RequestRecord[] = [];
  const errors: unknown[] = [];
  const sandbox = await startSandbox({
    timeScale: 0.05,
    ...options,
    onRequest: (r) => requests.push(r),
    onError: (e) => errors.push(e),
  });
  const homes: KubectlHome[] = [];
  return {
    sandbox,
    requests,
    errors,
    home(kubeconfig = sandbox.kubeconfig) {
      const h = new KubectlHome(kubeconfig);
      homes.push(h);
      return h;
    },
    kubeConfig(kubeconfig = sandbox.kubeconfig) {
      const kc = new k8s.KubeConfig();
      kc.loadFromString(kubeconfig);
      return kc;
    },
    async stop() {
      await sandbox.stop();
      for (const h of homes) h.cleanup();
    },
  };
}

/** Waits until a condition holds (polling), or fails after the timeout. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export { k8s };

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk arbitrary JSON
  json(): any;
}

/** A plain HTTPS request to the sandbox, as an admin unless another token is given. */
export async function raw(
  ts: TestSandbox,
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    token?: string | null;
    /** Stop reading after this long (watches): what arrived so far is the answer. */
    cutAfterMs?: number;
  } = {},
): Promise<RawResponse> {
  const { request } = await import('node:https');
  const token = options.token === undefined ? adminToken(ts) : options.token;
  return new Promise((resolve, reject) => {
    const req = request(
      `${ts.sandbox.url}${path}`,
      {
        method: options.method ?? 'GET',
        ca: ts.sandbox.caPem,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          // Node frames a DELETE body only when told its length.
          ...(options.body !== undefined
            ? { 'Content-Length': String(Buffer.byteLength(options.body)) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        if (options.cutAfterMs !== undefined) setTimeout(() => res.destroy(), options.cutAfterMs).unref();
        res.on('close', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString('utf8'),
            json: () => JSON.parse(body.toString('utf8')),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const adminTokens = new WeakMap<TestSandbox, string>();
export function adminToken(ts: TestSandbox): string {
  let t = adminTokens.get(ts);
  if (!t) {
    t = ts.sandbox.mintToken({ user: 'test-admin', groups: ['system:masters'] });
    adminTokens.set(ts, t);
  }
  return t;
}

/** A long-running kubectl (get -w, delete that waits): its output so far, and a way to wait on it. */
export class Streaming {
  private out = '';
  private err = '';
  readonly exited: Promise<number | null>;
  private child: import('node:child_process').ChildProcess;

  constructor(home: KubectlHome, args: string[], version?: string) {
    this.child = spawn(kubectlBinary(version), args, {
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8', HOME: home.root, KUBECONFIG: home.kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.err += d));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    return eventually(
      () => (pattern.test(this.out) ? this.out : undefined),
      timeoutMs,
      `${pattern} in kubectl output:\n${this.out}\n${this.err}`,
    );
  }

  kill(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** Whether a process of this id exists (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
