// A MeshAdapter over gRPC: Meshery's MeshService at host:port, plaintext, as Meshery dials its adapters.
// Every call first makes sure the adapter answers MeshName (the liveness ping); while it does not, the
// call waits with capped exponential backoff and jitter, telling onWait what it waits for, until the
// caller's signal gives up. A connection that comes back may be a new adapter version, so its
// capabilities (SupportedOperations, ComponentInfo) are read again after every reconnect.
import {
  InterruptedError,
  MeshdeckError,
  OperationError,
  TimeoutError,
  UsageError,
} from '../../core/errors.js';
import { ADAPTER_BACKOFF, backoffDelay, sleep, type BackoffPolicy } from '../backoff.js';
import type {
  AdapterEvent,
  ApplyOptions,
  ComponentInfo,
  ConnectionState,
  MeshAdapter,
  OperationInfo,
  OperationOutcome,
  OperationRequest,
} from '../types.js';
import { sleepUntilListening } from './port-watch.js';
import { grpc, meshServiceClient, type MeshServiceClient } from './service.js';
import {
  componentInfoFromWire,
  endsOperation,
  eventFromWire,
  operationFromWire,
  type WireComponentInfo,
  type WireEvent,
  type WireSupportedOperation,
} from './wire.js';

export interface ExternalAdapterOptions {
  name: string;
  address: string;
  /** Told, on each wait, what the adapter is waiting for (commands print it on stderr). */
  onWait?: (message: string) => void;
  backoff?: BackoffPolicy;
  /** Longest wait for one answer; a server that accepts connections but never answers is retried after. */
  callTimeoutMs?: number;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // A channel of its own, so a retry really dials again instead of sharing another channel's backoff.
  'grpc.use_local_subchannel_pool': 1,
  'grpc.initial_reconnect_backoff_ms': ADAPTER_BACKOFF.initialMs,
  'grpc.max_reconnect_backoff_ms': ADAPTER_BACKOFF.maxMs,
  'grpc.enable_retries': 0,
};

/** Why a call failed, and whether waiting and trying again may help. */
interface Failure {
  transient: boolean;
  reason: string;
  error?: MeshdeckError;
}

export class ExternalAdapter implements MeshAdapter {
  readonly kind = 'external' as const;
  readonly name: string;
  readonly address: string;
  private client?: MeshServiceClient;
  private state: ConnectionState = 'connecting';
  private waited = false;
  private capabilities?: { operations?: OperationInfo[]; info?: ComponentInfo };
  private readonly backoff: BackoffPolicy;
  private readonly callTimeoutMs: number;
  private readonly onWait: (message: string) => void;

  constructor(options: ExternalAdapterOptions) {
    this.name = options.name;
    this.address = options.address;
    this.backoff = options.backoff ?? ADAPTER_BACKOFF;
    this.callTimeoutMs = options.callTimeoutMs ?? 5000;
    this.onWait = options.onWait ?? (() => undefined);
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  async meshName(signal: AbortSignal): Promise<string> {
    const client = await this.connected(signal);
    return (await this.unary<{ name: string }>(client, 'MeshName', signal)).name;
  }

  async versions(signal: AbortSignal): Promise<string[]> {
    return this.call<{ version: string[] }>('MeshVersions', signal).then((r) => r.version);
  }

  async operations(signal: AbortSignal): Promise<OperationInfo[]> {
    const cached = this.capabilities?.operations;
    if (cached) return cached;
    const reply = await this.call<{ ops: WireSupportedOperation[]; error: string }>(
      'SupportedOperations',
      signal,
    );
    if (reply.error)
      throw new OperationError(`adapter "${this.name}" could not list its operations: ${reply.error}`);
    const operations = reply.ops.map(operationFromWire);
    if (this.capabilities) this.capabilities.operations = operations;
    return operations;
  }

  async componentInfo(signal: AbortSignal): Promise<ComponentInfo> {
    const cached = this.capabilities?.info;
    if (cached) return cached;
    const info = componentInfoFromWire(await this.call<WireComponentInfo>('ComponentInfo', signal));
    if (this.capabilities) this.capabilities.info = info;
    return info;
  }

  /**
   * Subscribes to StreamEvents, sends ApplyOperation, and waits for the event that ends the operation. If
   * the adapter goes away before that, it waits for it to come back, checks the operation is still
   * offered, and submits it again with the same operation id (the outcome of the lost attempt is unknown;
   * Meshery's operations are declarative applies, so sending it again is what a user would do).
   */
  async apply(request: OperationRequest, options: ApplyOptions): Promise<OperationOutcome> {
    const events: AdapterEvent[] = [];
    for (;;) {
      const client = await this.connected(options.signal);
      const offered = await this.operations(options.signal);
      if (!offered.some((op) => op.key === request.operation)) {
        throw new UsageError(`adapter "${this.name}" does not offer operation "${request.operation}"`, {
          hint: `it offers: ${offered.map((op) => op.key).join(', ') || '(none)'}; see "meshdeck adapter ops ${this.name}"`,
        });
      }
      try {
        return await this.applyOnce(client, request, options, events);
      } catch (err) {
        const failure = this.classify(err, options.signal);
        if (!failure.transient) throw failure.error ?? err;
        this.drop();
        this.onWait(
          `adapter "${this.name}" at ${this.address} went away during operation ${request.operationId} (${failure.reason}); waiting for it to submit the operation again`,
        );
      }
    }
  }

  async close(): Promise<void> {
    this.drop();
    this.state = 'connecting';
  }

  private async applyOnce(
    client: MeshServiceClient,
    request: OperationRequest,
    options: ApplyOptions,
    events: AdapterEvent[],
  ): Promise<OperationOutcome> {
    const { signal } = options;
    const stream = (client.StreamEvents as (req: object) => grpc.ClientReadableStream<WireEvent>)({});
    try {
      const ended = new Promise<OperationOutcome>((resolve, reject) => {
        stream.on('data', (wire: WireEvent) => {
          if (wire.operation_id !== request.operationId) return;
          const event = eventFromWire(wire);
          events.push(event);
          options.onEvent?.(event);
          if (endsOperation(event)) resolve(outcomeOf(request.operationId, events));
        });
        stream.on('error', reject);
        stream.on('end', () => reject(streamClosed()));
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
      ended.catch(() => undefined);
      // Servers that send their headers when the stream starts tell us they are subscribed; others are
      // given a moment, since events sent before the subscription would be lost.
      await Promise.race([new Promise((r) => stream.once('metadata', r)), sleep(250, signal), ended]);
      const reply = await this.unary<{ error: string; operation_id: string }>(
        client,
        'ApplyOperation',
        signal,
        {
          opName: request.operation,
          namespace: request.namespace,
          username: request.username ?? '',
          custom_body: request.customBody ?? '',
          delete_op: request.delete,
          operation_id: request.operationId,
          kube_configs: [request.cluster.kubeconfig],
          version: request.version ?? '',
        },
      );
      if (reply.error) {
        return { operationId: request.operationId, ok: false, events, error: reply.error };
      }
      return await ended;
    } catch (err) {
      if (signal.aborted) {
        const last = events.at(-1);
        throw this.gaveUp(
          signal,
          `no outcome of operation ${request.operationId} yet${last ? ` (last event: ${last.summary})` : ''}`,
        );
      }
      throw err;
    } finally {
      stream.removeAllListeners('data');
      stream.on('error', () => undefined);
      stream.cancel();
    }
  }

  /** A unary call once the adapter answers, waiting for it again if it goes away in between. */
  private async call<T>(method: string, signal: AbortSignal): Promise<T> {
    for (;;) {
      const client = await this.connected(signal);
      try {
        return await this.unary<T>(client, method, signal);
      } catch (err) {
        const failure = this.classify(err, signal);
        if (!failure.transient) throw failure.error ?? err;
        this.drop();
      }
    }
  }

  /** Waits until MeshName answers, with capped exponential backoff and jitter between attempts. */
  private async connected(signal: AbortSignal): Promise<MeshServiceClient> {
    if (this.client && this.state === 'connected') return this.client;
    let lastReason: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const client = (this.client ??= meshServiceClient(this.address, CHANNEL_OPTIONS));
      let failure: Failure;
      try {
        await this.unary<{ name: string }>(client, 'MeshName', signal);
        this.markConnected();
        return client;
      } catch (err) {
        failure = this.classify(err, signal);
      }
      const channel = client.getChannel().getConnectivityState(false);
      // Something that accepted the TCP connection but has not completed the gRPC (HTTP/2) one: a hung or
      // slow server, "connecting"; refused (or not even tried yet) is "unreachable".
      const accepted =
        channel === grpc.connectivityState.READY || channel === grpc.connectivityState.CONNECTING;
      this.drop();
      this.state = (failure.transient || signal.aborted) && accepted ? 'connecting' : 'unreachable';
      if (signal.aborted) {
        const why = accepted ? HUNG : (lastReason ?? 'no answer yet');
        throw this.gaveUp(signal, why);
      }
      lastReason = failure.reason;
      if (!failure.transient) throw failure.error ?? new OperationError(failure.reason);
      await this.pause(attempt, failure.reason, signal);
    }
  }

  private markConnected(): void {
    if (this.waited) {
      this.onWait(`adapter "${this.name}" at ${this.address} answers again; re-reading its capabilities`);
    }
    this.state = 'connected';
    this.waited = false;
    this.capabilities = {};
  }

  /** The backoff wait before the next attempt, said on stderr. */
  private async pause(attempt: number, reason: string, signal: AbortSignal): Promise<void> {
    const delay = backoffDelay(this.backoff, attempt);
    this.waited = true;
    this.onWait(
      `waiting for adapter "${this.name}" at ${this.address} (${reason}); next attempt in ${formatMs(delay)}`,
    );
    try {
      if (reason === REFUSED) await sleepUntilListening(this.address, delay, signal);
      else await sleep(delay, signal);
    } catch {
      throw this.gaveUp(signal, reason);
    }
  }

  private unary<T>(
    client: MeshServiceClient,
    method: string,
    signal: AbortSignal,
    request: object = {},
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const fn = client[method] as (
        req: object,
        options: grpc.CallOptions,
        cb: (err: grpc.ServiceError | null, res: T) => void,
      ) => grpc.ClientUnaryCall;
      const onAbort = () => call.cancel();
      const call = fn.call(client, request, { deadline: Date.now() + this.callTimeoutMs }, (err, res) => {
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res);
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** What a failed call means: wait and retry (the adapter is down or busy), or stop with a clear error. */
  private classify(err: unknown, signal: AbortSignal): Failure {
    if (signal.aborted) {
      return {
        transient: false,
        reason: 'gave up',
        error: this.gaveUp(signal, 'no answer to a call in time'),
      };
    }
    if (err instanceof MeshdeckError) return { transient: false, reason: err.message, error: err };
    const status = err as Partial<grpc.ServiceError>;
    const details = shortReason(status.details ?? (err as Error).message ?? String(err));
    switch (status.code) {
      case grpc.status.UNAVAILABLE:
        if (/Protocol error|Received HTTP status code|HTTP\/1|malformed|bad HTTP/i.test(details)) {
          return this.notAnAdapter(`it does not speak gRPC (${details})`);
        }
        return { transient: true, reason: details };
      case grpc.status.CANCELLED:
        // Not by us (the signal has not fired): the adapter dropped the call, as one shutting down does.
        return { transient: true, reason: 'the adapter dropped the call' };
      case grpc.status.DEADLINE_EXCEEDED:
        return {
          transient: true,
          reason: `no answer within ${formatMs(this.callTimeoutMs)}: something accepts connections there but does not answer gRPC calls`,
        };
      case grpc.status.UNIMPLEMENTED:
        return this.notAnAdapter(`it speaks gRPC but has no Meshery MeshService (${details})`);
      case grpc.status.INTERNAL:
      case grpc.status.UNKNOWN:
        if (/Received HTTP status code|Protocol error|content-type/i.test(details)) {
          return this.notAnAdapter(`it does not speak gRPC (${details})`);
        }
        return {
          transient: false,
          reason: details,
          error: new OperationError(`adapter "${this.name}" at ${this.address} failed: ${details}`),
        };
      default:
        return {
          transient: false,
          reason: details,
          error: new OperationError(`adapter "${this.name}" at ${this.address} failed: ${details}`),
        };
    }
  }

  private notAnAdapter(why: string): Failure {
    return {
      transient: false,
      reason: why,
      error: new OperationError(
        `the server at ${this.address} (adapter "${this.name}") is not a Meshery adapter: ${why}`,
        {
          hint: `check the address; "meshdeck adapter remove ${this.name}" and add it again with the adapter's gRPC port`,
        },
      ),
    };
  }

  /** The error for a signal that fired: Ctrl-C stays an interruption, the command's deadline a timeout. */
  private gaveUp(signal: AbortSignal, lastProblem: string): MeshdeckError {
    const reason = signal.reason as unknown;
    const timedOut =
      (reason instanceof MeshdeckError && reason instanceof TimeoutError) ||
      (reason instanceof Error && reason.name === 'TimeoutError');
    if (!timedOut) return reason instanceof MeshdeckError ? reason : new InterruptedError();
    return new TimeoutError(
      `timed out waiting for adapter "${this.name}" at ${this.address}: ${lastProblem}`,
      {
        hint: `check that the adapter runs and listens there ("meshdeck adapter status ${this.name}"), or allow longer with --timeout`,
      },
    );
  }

  private drop(): void {
    this.client?.close();
    this.client = undefined;
    this.capabilities = undefined;
    if (this.state === 'connected') this.state = 'connecting';
  }
}

function outcomeOf(operationId: string, events: AdapterEvent[]): OperationOutcome {
  const failed = events.filter((e) => e.operationId === operationId && e.severity === 'error');
  return failed.length > 0
    ? { operationId, ok: false, events, error: failed[failed.length - 1].summary }
    : { operationId, ok: true, events };
}

const REFUSED = 'connection refused';
const HUNG = 'it accepted the connection but has not answered a gRPC call';

function streamClosed(): grpc.ServiceError {
  return Object.assign(new Error('the adapter closed its event stream'), {
    code: grpc.status.UNAVAILABLE,
    details: 'the adapter closed its event stream',
    metadata: new grpc.Metadata(),
  });
}

/** grpc-js's details without its boilerplate ("No connection established. Last error: ... (time)"). */
function shortReason(details: string): string {
  const flat = details.replace(/\s+/g, ' ').trim();
  const last = (/Last error: (.*)$/.exec(flat)?.[1] ?? flat)
    .replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)\.?/g, '')
    .replace(/\s*Resolution note:.*$/, '')
    .trim();
  if (/ECONNREFUSED/.test(last)) return REFUSED;
  if (/ENOTFOUND|EAI_AGAIN/.test(last)) return 'host not found';
  return last;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
