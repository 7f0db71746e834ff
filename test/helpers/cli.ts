// Runs the real meshdeck binary (bin -> bundle) in a child process, with its own HOME and XDG folders so
// that no test sees another's config, cache or state.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const BIN = join(REPO_ROOT, 'bin', 'meshdeck.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  /** Run as this uid/gid (tests that need a user without root's powers). */
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}

/** An isolated home for one test: HOME and the three XDG folders inside a fresh temp folder. */
export class TestHome {
  readonly root: string;
  readonly env: Record<string, string>;

  constructor() {
    this.root = realpathSync(mkdtempSync(join(tmpdir(), 'meshdeck-test-')));
    // Traversable by an unprivileged user too, for the permission tests that drop root.
    chmodSync(this.root, 0o755);
    this.env = {
      HOME: this.root,
      XDG_CONFIG_HOME: join(this.root, 'config'),
      XDG_CACHE_HOME: join(this.root, 'cache'),
      XDG_STATE_HOME: join(this.root, 'state'),
      KUBECONFIG: join(this.root, 'kube', 'config'),
    };
  }

  get configDir(): string {
    return join(this.env.XDG_CONFIG_HOME, 'meshdeck');
  }

  get configFile(): string {
    return join(this.configDir, 'config.yaml');
  }

  mkdir(path: string, mode = 0o755): string {
    mkdirSync(path, { recursive: true, mode });
    chmodSync(path, mode);
    return path;
  }

  run(args: string[], options: RunOptions = {}): Promise<RunResult> {
    return runMeshdeck(args, { ...options, env: { ...this.env, ...options.env } });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The environment a child gets: only what a clean shell would have, plus what the test sets. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function runMeshdeck(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      env: childEnv(options.env),
      cwd: options.cwd,
      uid: options.uid,
      gid: options.gid,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    // A child that exits without reading its input closes the pipe first; that is not a failure.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(err);
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A uid/gid without root's powers: nobody when running as root, else the current user. */
export function unprivileged(): { uid?: number; gid?: number; isRoot: boolean } {
  const isRoot = process.getuid?.() === 0;
  return isRoot ? { uid: 65534, gid: 65534, isRoot } : { isRoot };
}
