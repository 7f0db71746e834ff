// A built-in mesh seen as a MeshAdapter (the interface external adapters implement too): the install
// operation (key = the mesh's name) deploys or removes the mesh, "label-namespace" turns injection on or
// off for the request's namespace. The operation's cluster arrives as a kubeconfig text, written to a
// private temporary file for the connection and deleted after.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { isMeshdeckError } from '../../core/errors.js';
import { meshdeckPaths } from '../../core/paths.js';
import { VERSION } from '../../core/version.js';
import { connect } from '../../k8s/connect.js';
import type {
  AdapterEvent,
  ApplyOptions,
  ComponentInfo,
  MeshAdapter,
  OperationInfo,
  OperationOutcome,
  OperationRequest,
} from '../types.js';
import type { LifecycleContext } from '../lifecycle/context.js';
import type { MeshLifecycle } from '../lifecycle/types.js';

export const LABEL_NAMESPACE = 'label-namespace';

export class BuiltinMeshAdapter implements MeshAdapter {
  readonly kind = 'built-in' as const;
  readonly address = undefined;

  constructor(
    readonly mesh: MeshLifecycle,
    private readonly all: readonly MeshLifecycle[],
  ) {}

  get name(): string {
    return this.mesh.name;
  }

  meshName(): Promise<string> {
    return Promise.resolve(this.mesh.name.toUpperCase());
  }

  versions(): Promise<string[]> {
    return Promise.resolve([...this.mesh.versions]);
  }

  operations(): Promise<OperationInfo[]> {
    return Promise.resolve([
      {
        key: this.mesh.name,
        description: `${this.mesh.title} control plane`,
        category: 'install',
        versions: [...this.mesh.versions],
      },
      {
        key: LABEL_NAMESPACE,
        description: `turn ${this.mesh.title} injection on (or off, as a delete) for the namespace`,
        category: 'configure',
        versions: [],
      },
    ]);
  }

  componentInfo(): Promise<ComponentInfo> {
    return Promise.resolve({
      type: 'adapter',
      name: `meshdeck-${this.mesh.name}`,
      version: VERSION,
      properties: {
        mesh: this.mesh.name,
        installer: this.mesh.installer.binary,
        defaultVersion: this.mesh.versions[0],
      },
    });
  }

  async apply(request: OperationRequest, options: ApplyOptions): Promise<OperationOutcome> {
    const events: AdapterEvent[] = [];
    const emit = (severity: AdapterEvent['severity'], summary: string, details?: string) => {
      const event: AdapterEvent = {
        operationId: request.operationId,
        severity,
        summary,
        details,
        component: 'adapter',
        componentName: this.mesh.name.toUpperCase(),
        at: new Date().toISOString(),
      };
      events.push(event);
      options.onEvent?.(event);
    };
    const dir = await mkdtemp(join(tmpdir(), 'meshdeck-op-'));
    const file = join(dir, `kubeconfig-${randomBytes(4).toString('hex')}`);
    await writeFile(file, request.cluster.kubeconfig, { mode: 0o600 });
    const env = process.env;
    const connection = connect({
      cluster: { kubeconfig: file, context: request.cluster.context },
      namespace: request.namespace || 'default',
      env,
      signal: options.signal,
    });
    const ctx: LifecycleContext = {
      client: connection.client,
      env,
      cacheDir: meshdeckPaths(env).cacheDir,
      signal: options.signal,
      user: request.username ?? userInfo().username,
      log: {
        info: (m) => emit('info', m),
        warn: (m) => emit('warn', m),
        progress: () => undefined,
        debug: () => undefined,
      },
    };
    try {
      await this.run(ctx, request);
      emit('info', `${request.operation} ${request.delete ? 'removed' : 'done'}`);
      return { operationId: request.operationId, ok: true, events };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      emit('error', message, isMeshdeckError(err) ? err.details.join('\n') : undefined);
      return { operationId: request.operationId, ok: false, events, error: message };
    } finally {
      connection.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async run(ctx: LifecycleContext, request: OperationRequest): Promise<void> {
    const timeoutMs = 5 * 60_000;
    if (request.operation === this.mesh.name) {
      if (request.delete) {
        const { removeMesh } = await import('../lifecycle/remove.js');
        await removeMesh(ctx, this.mesh, { timeoutMs });
      } else {
        const { deployMesh } = await import('../lifecycle/deploy.js');
        await deployMesh(ctx, this.mesh, {
          version: request.version || this.mesh.versions[0],
          revision: 'default',
          wait: true,
          timeoutMs,
          others: this.all,
        });
      }
      return;
    }
    if (request.operation === LABEL_NAMESPACE) {
      const { injectNamespace } = await import('../lifecycle/inject.js');
      await injectNamespace(ctx, this.mesh, request.namespace, { disable: request.delete, timeoutMs });
      return;
    }
    throw new Error(
      `${this.mesh.name} has no operation "${request.operation}" (it has ${this.mesh.name}, ${LABEL_NAMESPACE})`,
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
