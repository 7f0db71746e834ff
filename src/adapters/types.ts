// The one interface every mesh adapter implements, built in (in this process) or external (Meshery's
// MeshService over gRPC). Commands and the mesh lifecycle see only this, so they cannot tell the two kinds
// apart. The shape follows Meshery's adapter protocol (meshops.proto): a name that doubles as a liveness
// ping, versions, advertised operations by category, apply-an-operation, and a stream of events.

/** Meshery's OpCategory, as words. */
export type OperationCategory = 'install' | 'sample-application' | 'configure' | 'validate' | 'custom';

/** One operation an adapter advertises (Meshery's SupportedOperation plus its templates' metadata). */
export interface OperationInfo {
  /** The key to ask for it by, e.g. "istio", "label-namespace", "custom". */
  key: string;
  description: string;
  category: OperationCategory;
  /** Versions the operation accepts; empty when it takes none. */
  versions: string[];
}

/** Meshery's EventType, as words. */
export type EventSeverity = 'info' | 'warn' | 'error';

/** One progress or outcome event of an operation (Meshery's EventsResponse). */
export interface AdapterEvent {
  operationId: string;
  severity: EventSeverity;
  summary: string;
  details?: string;
  probableCause?: string;
  suggestedRemediation?: string;
  errorCode?: string;
  /** Who sent it, e.g. "adapter" / "ISTIO". */
  component?: string;
  componentName?: string;
  /** When meshdeck received it (ISO 8601). */
  at: string;
}

/** What an adapter says about itself (Meshery's ComponentInfo). */
export interface ComponentInfo {
  type: string;
  name: string;
  version: string;
  gitSha?: string;
  properties: Record<string, string>;
}

/** The cluster an operation acts on: a kubeconfig minimised to the one selected context. Secret. */
export interface ClusterTarget {
  /** Kubeconfig YAML holding only the selected context, its cluster and its user. Never logged. */
  kubeconfig: string;
  context: string;
}

export interface OperationRequest {
  /** The operation's key, as advertised. */
  operation: string;
  namespace: string;
  version?: string;
  /** Undo the operation (Meshery's delete_op). */
  delete: boolean;
  /** The custom YAML body, for "custom" and operations that take one. */
  customBody?: string;
  /** Unique per request; every event of this operation carries it. */
  operationId: string;
  /** Who asks (the provider's user name), when signed in. */
  username?: string;
  cluster: ClusterTarget;
}

export interface OperationOutcome {
  operationId: string;
  /** False when the adapter reported an error event or refused the request. */
  ok: boolean;
  events: AdapterEvent[];
  /** The error that ended it, when ok is false. */
  error?: string;
}

export interface ApplyOptions {
  signal: AbortSignal;
  /** Called for each event as it arrives, so commands can stream them to stderr. */
  onEvent?: (event: AdapterEvent) => void;
}

export type AdapterKind = 'built-in' | 'external';

/** Whether an adapter answers: built-in ones always do; an external one may be down or not answering. */
export type ConnectionState = 'connected' | 'connecting' | 'unreachable';

/** A mesh adapter. Every call honours its signal and fails with a typed error, never hangs. */
export interface MeshAdapter {
  /** The name it is registered under in meshdeck (e.g. "istio", or the name given to `adapter add`). */
  readonly name: string;
  readonly kind: AdapterKind;
  /** host:port of an external adapter; undefined for a built-in one. */
  readonly address?: string;
  /** The mesh it drives (MeshName); also the liveness ping. */
  meshName(signal: AbortSignal): Promise<string>;
  /** The mesh versions it can install. */
  versions(signal: AbortSignal): Promise<string[]>;
  operations(signal: AbortSignal): Promise<OperationInfo[]>;
  componentInfo(signal: AbortSignal): Promise<ComponentInfo>;
  /** Runs an operation to its end: resolves when the adapter reports the outcome. */
  apply(request: OperationRequest, options: ApplyOptions): Promise<OperationOutcome>;
  /** The state after the last call (external adapters); built-in adapters, without it, are connected. */
  connectionState?(): ConnectionState;
  /** Releases connections; the adapter may be used again after (it reconnects). */
  close(): Promise<void>;
}
