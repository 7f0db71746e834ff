// How adapters, their operations and an operation's result look in tables and machine output.
import type {
  AdapterEvent,
  AdapterKind,
  ComponentInfo,
  ConnectionState,
  OperationInfo,
  OperationOutcome,
} from '../../adapters/types.js';
import { API_VERSION } from '../../core/output/formats.js';
import type { ListView } from '../../core/output/printer.js';
import type { Column } from '../../core/output/table.js';

export interface AdapterRow {
  name: string;
  kind: AdapterKind;
  address?: string;
  state: ConnectionState;
  mesh?: string;
  version?: string;
  operations?: number;
  /** Why it is not connected. */
  problem?: string;
}

/** Who the adapter is and whether it answers: the first columns of list and status. */
const identityColumns: Column<AdapterRow>[] = [
  { header: 'name', value: (r) => r.name },
  { header: 'kind', value: (r) => r.kind },
  { header: 'address', value: (r) => r.address ?? '-' },
  { header: 'state', value: (r) => r.state },
  { header: 'mesh', value: (r) => r.mesh },
  { header: 'version', value: (r) => r.version },
];

export const adapterView: ListView<AdapterRow> = {
  kind: 'Adapter',
  columns: [
    ...identityColumns,
    { header: 'operations', value: (r) => r.operations, align: 'right' },
    { header: 'problem', value: (r) => r.problem, wide: true },
  ],
  toData: ({ kind, ...rest }) => ({ apiVersion: API_VERSION, kind: 'Adapter', adapterKind: kind, ...rest }),
};

export interface StatusRow extends AdapterRow {
  info: ComponentInfo;
  roundTripMs: number;
}

export const statusView: ListView<StatusRow> = {
  kind: 'AdapterStatus',
  columns: [
    ...identityColumns,
    { header: 'rtt', value: (r) => `${r.roundTripMs.toFixed(1)}ms`, align: 'right' },
    { header: 'component', value: (r) => `${r.info.type}/${r.info.name}`, wide: true },
    { header: 'git sha', value: (r) => r.info.gitSha, wide: true },
    {
      header: 'properties',
      value: (r) =>
        Object.entries(r.info.properties)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      wide: true,
    },
  ],
  toData: (r) => ({
    apiVersion: API_VERSION,
    kind: 'AdapterStatus',
    name: r.name,
    adapterKind: r.kind,
    address: r.address,
    state: r.state,
    mesh: r.mesh,
    roundTripMs: Number(r.roundTripMs.toFixed(3)),
    componentInfo: r.info,
  }),
};

export const operationView: ListView<OperationInfo> = {
  kind: 'AdapterOperation',
  columns: [
    { header: 'operation', value: (o) => o.key },
    { header: 'category', value: (o) => o.category },
    { header: 'description', value: (o) => o.description },
    { header: 'versions', value: (o) => o.versions.join(','), wide: true },
  ],
  toData: (o) => ({ apiVersion: API_VERSION, kind: 'AdapterOperation', ...o }),
};

export interface RunResultRow {
  adapter: string;
  operation: string;
  namespace: string;
  delete: boolean;
  outcome: OperationOutcome;
}

export const runResultView: ListView<RunResultRow> = {
  kind: 'AdapterOperationResult',
  columns: [
    { header: 'adapter', value: (r) => r.adapter },
    { header: 'operation', value: (r) => `${r.operation}${r.delete ? ' (delete)' : ''}` },
    { header: 'namespace', value: (r) => r.namespace },
    { header: 'result', value: (r) => (r.outcome.ok ? 'succeeded' : 'failed') },
    { header: 'events', value: (r) => r.outcome.events.length, align: 'right' },
    { header: 'operation id', value: (r) => r.outcome.operationId, wide: true },
    { header: 'error', value: (r) => r.outcome.error, wide: true },
  ],
  toData: (r) => ({
    apiVersion: API_VERSION,
    kind: 'AdapterOperationResult',
    adapter: r.adapter,
    operation: r.operation,
    namespace: r.namespace,
    delete: r.delete,
    operationId: r.outcome.operationId,
    succeeded: r.outcome.ok,
    ...(r.outcome.error ? { error: r.outcome.error } : {}),
    events: r.outcome.events.map((e: AdapterEvent) => e),
  }),
};
