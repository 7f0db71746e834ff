// A small real Meshery adapter for tests: a MeshService gRPC server (grpc-js, the same proto meshdeck
// speaks) that applies the "custom" operation's YAML, and the sample operations it advertises, to the
// cluster in the kubeconfig it receives (with the real kubectl), and reports progress and outcome as
// StreamEvents events carrying the operation id, as Meshery's adapter library does. It can be killed
// (connections dropped, as when the process dies) and started again on the same port with other
// operations, and it checks that each kubeconfig it is sent holds exactly one context.
//
// Also here: servers that are not adapters (another gRPC service, plain HTTP, one that never answers), for
// the error paths.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { grpc, meshServiceDefinition } from '../../src/adapters/external/service.js';

export interface AdvertisedOperation {
  key: string;
  description: string;
  category: 'INSTALL' | 'SAMPLE_APPLICATION' | 'CONFIGURE' | 'VALIDATE' | 'CUSTOM';
  /** The YAML a non-custom operation applies. */
  manifest?: string;
}

export interface AdapterServerOptions {
  meshName?: string;
  version?: string;
  operations?: AdvertisedOperation[];
  /** Keeps operations after their "Applying" event until release() (to kill the server mid-operation). */
  hold?: boolean;
}

export interface ApplyRecord {
  opName: string;
  namespace: string;
  deleteOp: boolean;
  operationId: string;
  version: string;
  /** The kubeconfigs as received; tests check meshdeck never shows them. */
  kubeConfigs: string[];
  /** Contexts in each kubeconfig. */
  contextCounts: number[];
}

export const CUSTOM_OPERATION: AdvertisedOperation = {
  key: 'custom',
  description: 'Custom YAML',
  category: 'CUSTOM',
};

type Call = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;
type Callback = grpc.sendUnaryData<unknown>;
type EventWriter = grpc.ServerWritableStream<unknown, unknown>;

export class MeshAdapterServer {
  readonly applied: ApplyRecord[] = [];
  private server?: grpc.Server;
  private subscribers = new Set<EventWriter>();
  private released?: () => void;
  private releasedPromise = Promise.resolve();
  port = 0;

  private constructor(private options: AdapterServerOptions) {}

  static async start(options: AdapterServerOptions = {}, port = 0): Promise<MeshAdapterServer> {
    const s = new MeshAdapterServer(options);
    await s.listen(port);
    return s;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Dies as a killed process would: every connection dropped, nothing said. */
  kill(): void {
    this.server?.forceShutdown();
    this.server = undefined;
    for (const s of this.subscribers) s.destroy();
    this.subscribers.clear();
    this.released?.();
  }

  /** Starts again on the same port, with new options (a new version of the adapter). */
  async restart(options: AdapterServerOptions = this.options): Promise<void> {
    this.kill();
    this.options = options;
    await this.listen(this.port);
  }

  /** Lets held operations go on. */
  release(): void {
    this.released?.();
  }

  stop(): void {
    this.kill();
  }

  private async listen(port: number): Promise<void> {
    const server = new grpc.Server();
    server.addService(meshServiceDefinition(), {
      MeshName: (_call: Call, cb: Callback) => cb(null, { name: this.options.meshName ?? 'TESTMESH' }),
      MeshVersions: (_call: Call, cb: Callback) => cb(null, { version: ['v1.0.0', 'v1.1.0'] }),
      SupportedOperations: (_call: Call, cb: Callback) =>
        cb(null, {
          ops: this.operations().map((op) => ({ key: op.key, value: op.description, category: op.category })),
          error: '',
        }),
      ComponentInfo: (_call: Call, cb: Callback) =>
        cb(null, {
          type: 'adapter',
          name: (this.options.meshName ?? 'TESTMESH').toLowerCase(),
          version: this.options.version ?? 'v0.1.0',
          git_sha: 'abc1234',
          properties: {
            capabilities: this.operations()
              .map((o) => o.key)
              .join(','),
          },
        }),
      StreamEvents: (call: EventWriter) => {
        this.subscribers.add(call);
        // Tells the client it is subscribed (Meshery's Go adapters send headers with the first event).
        call.sendMetadata(new grpc.Metadata());
        call.on('cancelled', () => this.subscribers.delete(call));
        call.on('close', () => this.subscribers.delete(call));
      },
      ApplyOperation: (call: Call, cb: Callback) => this.applyOperation(call, cb),
      Provision: (_call: Call, cb: Callback) =>
        cb({ code: grpc.status.UNIMPLEMENTED, details: 'not in this test adapter' }),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
    this.server = server;
    this.releasedPromise = this.options.hold
      ? new Promise<void>((resolve) => (this.released = resolve))
      : Promise.resolve();
  }

  private operations(): AdvertisedOperation[] {
    return this.options.operations ?? [CUSTOM_OPERATION];
  }

  private applyOperation(call: Call, cb: Callback): void {
    const req = call.request as {
      opName: string;
      namespace: string;
      custom_body: string;
      delete_op: boolean;
      operation_id: string;
      kube_configs: string[];
      version: string;
    };
    const record: ApplyRecord = {
      opName: req.opName,
      namespace: req.namespace,
      deleteOp: req.delete_op,
      operationId: req.operation_id,
      version: req.version,
      kubeConfigs: req.kube_configs,
      contextCounts: req.kube_configs.map(countContexts),
    };
    this.applied.push(record);
    const op = this.operations().find((o) => o.key === req.opName);
    if (!op)
      return cb(null, {
        error: `operation "${req.opName}" is not supported`,
        operation_id: req.operation_id,
      });
    // Like Meshery's adapters: answer at once, work in the background, report through events.
    cb(null, { error: '', operation_id: req.operation_id });
    void this.runOperation(op, req, record);
  }

  private async runOperation(
    op: AdvertisedOperation,
    req: {
      namespace: string;
      custom_body: string;
      delete_op: boolean;
      operation_id: string;
      kube_configs: string[];
    },
    record: ApplyRecord,
  ): Promise<void> {
    const event = (type: 'INFO' | 'WARN' | 'ERROR', summary: string, extra: Record<string, string> = {}) =>
      this.emit({
        event_type: type,
        summary,
        operation_id: req.operation_id,
        component: 'adapter',
        component_name: 'TESTMESH',
        ...extra,
      });
    const instance = this.server;
    await delay(100);
    event('INFO', req.delete_op ? 'Removing manifest' : 'Applying manifest');
    await this.releasedPromise;
    if (this.server !== instance) return; // killed while holding: the operation dies with the process
    if (record.contextCounts.length !== 1 || record.contextCounts[0] !== 1) {
      event('ERROR', 'Error while reading the kubeconfig', {
        details: `expected one kubeconfig with one context, got ${JSON.stringify(record.contextCounts)}`,
        probable_cause: 'the client sent more than the selected context',
        suggested_remediation: 'send a kubeconfig minimised to the selected context',
        error_code: 'test-1000',
      });
      return;
    }
    const manifest = op.category === 'CUSTOM' ? req.custom_body : (op.manifest ?? '');
    const result = await kubectlWith(
      req.kube_configs[0],
      [
        req.delete_op ? 'delete' : 'apply',
        '-n',
        req.namespace || 'default',
        '-f',
        '-',
        ...(req.delete_op ? ['--ignore-not-found'] : []),
      ],
      manifest,
    );
    if (result.code === 0) {
      event('INFO', `Manifest ${req.delete_op ? 'removed' : 'deployed'} successfully`, {
        details: result.stdout.trim(),
      });
    } else {
      event('ERROR', `Error while ${req.delete_op ? 'removing' : 'applying'} the manifest`, {
        details: result.stderr.trim(),
        probable_cause: 'kubectl refused the manifest',
        suggested_remediation: 'check the YAML',
        error_code: 'test-1001',
      });
    }
  }

  private emit(event: Record<string, string>): void {
    for (const s of this.subscribers) s.write(event);
  }
}

function countContexts(kubeconfig: string): number {
  try {
    const doc = parseYaml(kubeconfig) as { contexts?: unknown[] };
    return Array.isArray(doc?.contexts) ? doc.contexts.length : 0;
  } catch {
    return -1;
  }
}

function kubectlWith(
  kubeconfig: string,
  args: string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'test-adapter-'));
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, kubeconfig, { mode: 0o600 });
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['--kubeconfig', file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A gRPC server with a service that is not MeshService (grpc.health.v1.Health's Check, by hand). */
export async function startOtherGrpcServer(): Promise<{ address: string; stop: () => void }> {
  const server = new grpc.Server();
  server.addService(
    {
      Check: {
        path: '/grpc.health.v1.Health/Check',
        requestStream: false,
        responseStream: false,
        requestSerialize: (v: Buffer) => v,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (v: Buffer) => v,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    { Check: (_call: Call, cb: Callback) => cb(null, Buffer.from([8, 1])) },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}

/** A plain HTTP/1.1 server. */
export async function startHttpServer(): Promise<{ address: string; stop: () => void }> {
  const server: HttpServer = createHttpServer((_req, res) => res.end('hello, I am a web page\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    stop: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Accepts TCP connections and never sends a byte. */
export async function startHungServer(): Promise<{ address: string; stop: () => void }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    stop: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
