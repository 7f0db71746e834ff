// A real reference provider for end-to-end tests, on PGlite or on a private PostgreSQL, and helpers to
// sign in through it the way a person would (the verification page, the browser sign-in form).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import {
  startProviderServer,
  type ProviderServer,
  type ProviderServerOptions,
} from '../../src/provider/server/index.js';
import { BIN, type TestHome } from './cli.js';
import { startPostgres, type PostgresInstance } from './postgres.js';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };
export type DatabaseKind = 'pglite' | 'postgres';
export const DATABASES: DatabaseKind[] = ['pglite', 'postgres'];

/**
 * One private PostgreSQL shared by the suites of a test file that use it: started by the first,
 * stopped after the last (each suite holds a reference from its definition to its end).
 */
let postgres: Promise<PostgresInstance> | undefined;
let users = 0;
export function sharedPostgres(): Promise<PostgresInstance> {
  postgres ??= startPostgres();
  return postgres;
}

/** Call inside describe(): keeps the shared PostgreSQL up for this suite. */
export function usePostgres(): void {
  users++;
  before(async () => {
    await sharedPostgres();
  });
  after(async () => {
    if (--users > 0 || !postgres) return;
    const instance = postgres;
    postgres = undefined;
    await (await instance).stop();
  });
}

/** Where a provider on this kind of database keeps its data (a fresh database each time). */
export async function storage(
  kind: DatabaseKind,
): Promise<Pick<ProviderServerOptions, 'databaseUrl' | 'memory'>> {
  return kind === 'postgres'
    ? { databaseUrl: await (await sharedPostgres()).createDatabase() }
    : { memory: true };
}

export async function startTestProvider(
  kind: DatabaseKind,
  options: ProviderServerOptions = {},
): Promise<ProviderServer> {
  return startProviderServer({
    ...(await storage(kind)),
    initAdmin: ADMIN,
    deviceIntervalSeconds: 1,
    authRateLimit: { burst: 1000, perMinute: 1000 },
    // Failures inside the provider are worth seeing in the test output.
    log: (line) => {
      if (line.startsWith('error:')) process.stderr.write(`provider ${line}\n`);
    },
    ...options,
  });
}

/** Registers a provider started before the tests of a describe() and stopped after them. */
export function providerFixture(
  kind: DatabaseKind,
  options: ProviderServerOptions = {},
): { server: () => ProviderServer } {
  let server: ProviderServer | undefined;
  if (kind === 'postgres') usePostgres();
  before(async () => {
    server = await startTestProvider(kind, options);
  });
  after(async () => server?.stop());
  return { server: () => server! };
}

/** Approves a device sign-in code on the verification page, as a person would. */
export async function approveDevice(
  url: string,
  userCode: string,
  who = ADMIN,
  action = 'approve',
): Promise<Response> {
  return fetch(`${url}/device`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      user_code: userCode,
      username: who.username,
      password: who.password,
      action,
    }),
  });
}

/** Creates a user through the admin API. */
export async function createUser(
  url: string,
  adminToken: string,
  username: string,
  password: string,
): Promise<void> {
  const res = await fetch(`${url}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 201) throw new Error(`creating ${username}: HTTP ${res.status} ${await res.text()}`);
}

/** Tokens for a user straight from the provider (device flow without the CLI). */
export async function tokensFor(
  url: string,
  who = ADMIN,
): Promise<{ access_token: string; refresh_token: string }> {
  const form = (body: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  const device = (await (await fetch(`${url}/api/auth/device/code`, form({ client_id: 'test' }))).json()) as {
    device_code: string;
    user_code: string;
  };
  await approveDevice(url, device.user_code, who);
  for (;;) {
    const res = await fetch(
      `${url}/api/auth/token`,
      form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code }),
    );
    const body = (await res.json()) as { error?: string; access_token: string; refresh_token: string };
    if (res.status === 200) return body;
    if (body.error !== 'authorization_pending' && body.error !== 'slow_down')
      throw new Error(JSON.stringify(body));
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A meshdeck process whose stderr can be watched while it runs. */
export class LiveProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;

  constructor(args: string[], env: Record<string, string | undefined>, input?: string) {
    this.child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.child.stdin!.on('error', () => undefined);
    this.child.stdin!.end(input ?? '');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    this.done = new Promise((resolve) =>
      this.child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout: this.stdout, stderr: this.stderr });
      }),
    );
  }

  /** Waits until stderr matches; returns the match. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.stderr.match(pattern) ?? this.stdout.match(pattern);
      if (m) return m;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`timed out waiting for ${pattern}; stderr so far:\n${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** `meshdeck login --provider URL` (device flow), approved on the verification page by the test. */
export async function deviceLogin(
  home: TestHome,
  url: string,
  who = ADMIN,
  env: Record<string, string> = {},
) {
  const proc = new LiveProcess(['login', '--provider', url], { ...home.env, ...env });
  const [, code] = await proc.waitFor(/one-time code: ([A-Z]{4}-[A-Z]{4})/);
  const approved = await approveDevice(url, code, who);
  if (approved.status !== 200) throw new Error(`approval failed: HTTP ${approved.status}`);
  return proc.done;
}

/** A provider that can be stopped and started again on the same URL with the same data. */
export interface RestartableProvider {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and deletes its data. */
  cleanup(): Promise<void>;
}

export async function restartableProvider(
  kind: DatabaseKind,
  options: ProviderServerOptions = {},
): Promise<RestartableProvider> {
  const dataDir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'meshdeck-provider-')) : undefined;
  const where =
    kind === 'postgres'
      ? { databaseUrl: await (await sharedPostgres()).createDatabase() }
      : { dataDir, memory: false };
  let server: ProviderServer | undefined;
  let port = 0;
  let url = '';
  const stop = async () => {
    await server?.stop();
    server = undefined;
  };
  return {
    get url() {
      return url;
    },
    async start() {
      server = await startTestProvider(kind, { ...options, ...where, port });
      port = server.port;
      url = server.url;
    },
    stop,
    async cleanup() {
      await stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The names of a user's designs on the provider, straight from its API. */
export async function designNames(url: string, token: string): Promise<string[]> {
  const res = await fetch(`${url}/api/designs?pagesize=500`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { items: Array<{ name: string }> };
  return body.items.map((d) => d.name).sort();
}

export function spawnProviderProcess(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, 'provider', 'serve', ...args], {
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
