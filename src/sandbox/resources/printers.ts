// Server-side Table columns for `kubectl get`, after the upstream printers of the common kinds.
import { extraPrinter } from './printers-extra.js';
import { AGE, age, col, NAME } from './printer-columns.js';
import type { K8sObject, Printer, TableColumn } from '../base/types.js';
import { getPath, humanDuration, text } from '../base/paths.js';
import { isObject } from '../../kube/json.js';

export { age };

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const str = (v: unknown, none = '<none>') => (typeof v === 'string' && v !== '' ? v : none);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function containerInfo(obj: K8sObject): [string, string] {
  const cs = arr(getPath(obj, 'spec.template.spec.containers')).filter(isObject);
  return [cs.map((c) => text(c.name)).join(','), cs.map((c) => text(c.image)).join(',')];
}

/** The -o wide columns pod-template workloads end with, and their cells. */
const WORKLOAD_WIDE = (): TableColumn[] => [col('Containers', 1), col('Images', 1), col('Selector', 1)];
function workloadWide(o: K8sObject): unknown[] {
  return [...containerInfo(o), selectorText(getPath(o, 'spec.selector'))];
}

function selectorText(sel: unknown): string {
  if (!isObject(sel)) return '<none>';
  const parts = Object.entries(isObject(sel.matchLabels) ? sel.matchLabels : {}).map(([k, v]) => `${k}=${v}`);
  for (const e of arr(sel.matchExpressions).filter(isObject)) {
    const values = arr(e.values).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(String(e.key));
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function mapText(m: unknown): string {
  if (!isObject(m) || Object.keys(m).length === 0) return '<none>';
  return Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The STATUS column of a pod, as kubectl's printPod derives it. */
export function podStatus(obj: K8sObject): string {
  let reason = str(getPath(obj, 'status.reason'), '') || str(getPath(obj, 'status.phase'), 'Pending');
  const init = arr(getPath(obj, 'status.initContainerStatuses')).filter(isObject);
  const initCount = arr(getPath(obj, 'spec.initContainers')).length;
  let initializing = false;
  init.forEach((c, i) => {
    const term = getPath(c, 'state.terminated') as Record<string, unknown> | undefined;
    const wait = getPath(c, 'state.waiting') as Record<string, unknown> | undefined;
    if (term && term.exitCode === 0) return;
    if (c.restartPolicy === 'Always' && c.started) return;
    initializing = true;
    if (term) reason = term.reason ? `Init:${text(term.reason)}` : `Init:ExitCode:${text(term.exitCode)}`;
    else if (wait?.reason && wait.reason !== 'PodInitializing') reason = `Init:${text(wait.reason)}`;
    else reason = `Init:${i}/${initCount}`;
  });
  if (!initializing) {
    let hasRunning = false;
    const statuses = arr(getPath(obj, 'status.containerStatuses')).filter(isObject).reverse();
    for (const c of statuses) {
      const wait = getPath(c, 'state.waiting') as Record<string, unknown> | undefined;
      const term = getPath(c, 'state.terminated') as Record<string, unknown> | undefined;
      if (wait?.reason) reason = text(wait.reason);
      else if (term?.reason) reason = text(term.reason);
      else if (term) reason = term.signal ? `Signal:${text(term.signal)}` : `ExitCode:${text(term.exitCode)}`;
      else if (getPath(c, 'state.running') && c.ready) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  if (obj.metadata.deletionTimestamp) reason = reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

const printers: Record<string, Printer> = {
  Pod: {
    columns: [
      NAME,
      col('Ready', 0, 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 0, 'string', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 0, 'string', 'The number of times the containers in this pod have been restarted.'),
      AGE,
      col('IP', 1, 'string', 'IP address allocated to the pod.'),
      col('Node', 1, 'string', 'Name of the node this pod is assigned to.'),
      col('Nominated Node', 1),
      col('Readiness Gates', 1),
    ],
    cells(o, now) {
      const total = arr(getPath(o, 'spec.containers')).length;
      const statuses = arr(getPath(o, 'status.containerStatuses')).filter(isObject);
      const ready = statuses.filter((c) => c.ready === true).length;
      const restarts = statuses.reduce((n, c) => n + num(c.restartCount), 0);
      const gates = arr(getPath(o, 'spec.readinessGates'));
      return [
        o.metadata.name,
        `${ready}/${total}`,
        podStatus(o),
        restarts,
        age(o, now),
        str(getPath(o, 'status.podIP')),
        str(getPath(o, 'spec.nodeName')),
        str(getPath(o, 'status.nominatedNodeName')),
        gates.length ? `0/${gates.length}` : '<none>',
      ];
    },
  },
  Deployment: {
    columns: [NAME, col('Ready'), col('Up-to-date'), col('Available'), AGE, ...WORKLOAD_WIDE()],
    cells(o, now) {
      return [
        o.metadata.name,
        `${num(getPath(o, 'status.readyReplicas'))}/${num(getPath(o, 'spec.replicas'))}`,
        num(getPath(o, 'status.updatedReplicas')),
        num(getPath(o, 'status.availableReplicas')),
        age(o, now),
        ...workloadWide(o),
      ];
    },
  },
  ReplicaSet: {
    columns: [NAME, col('Desired'), col('Current'), col('Ready'), AGE, ...WORKLOAD_WIDE()],
    cells(o, now) {
      return [
        o.metadata.name,
        num(getPath(o, 'spec.replicas')),
        num(getPath(o, 'status.replicas')),
        num(getPath(o, 'status.readyReplicas')),
        age(o, now),
        ...workloadWide(o),
      ];
    },
  },
  StatefulSet: {
    columns: [NAME, col('Ready'), AGE, col('Containers', 1), col('Images', 1)],
    cells(o, now) {
      const [names, images] = containerInfo(o);
      return [
        o.metadata.name,
        `${num(getPath(o, 'status.readyReplicas'))}/${num(getPath(o, 'spec.replicas'))}`,
        age(o, now),
        names,
        images,
      ];
    },
  },
  DaemonSet: {
    columns: [
      NAME,
      col('Desired'),
      col('Current'),
      col('Ready'),
      col('Up-to-date'),
      col('Available'),
      col('Node Selector'),
      AGE,
      ...WORKLOAD_WIDE(),
    ],
    cells(o, now) {
      return [
        o.metadata.name,
        num(getPath(o, 'status.desiredNumberScheduled')),
        num(getPath(o, 'status.currentNumberScheduled')),
        num(getPath(o, 'status.numberReady')),
        num(getPath(o, 'status.updatedNumberScheduled')),
        num(getPath(o, 'status.numberAvailable')),
        mapText(getPath(o, 'spec.template.spec.nodeSelector')),
        age(o, now),
        ...workloadWide(o),
      ];
    },
  },
  Job: {
    columns: [
      NAME,
      col('Status'),
      col('Completions'),
      col('Duration'),
      AGE,
      col('Containers', 1),
      col('Images', 1),
    ],
    cells(o, now) {
      const [names, images] = containerInfo(o);
      const conds = arr(getPath(o, 'status.conditions')).filter(isObject);
      const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
      const status = has('Complete')
        ? 'Complete'
        : has('Failed')
          ? 'Failed'
          : getPath(o, 'spec.suspend')
            ? 'Suspended'
            : 'Running';
      const start = getPath(o, 'status.startTime');
      const end = getPath(o, 'status.completionTime');
      const duration =
        typeof start === 'string'
          ? humanDuration((typeof end === 'string' ? Date.parse(end) : now) - Date.parse(start))
          : '';
      return [
        o.metadata.name,
        status,
        `${num(getPath(o, 'status.succeeded'))}/${num(getPath(o, 'spec.completions')) || 1}`,
        duration,
        age(o, now),
        names,
        images,
      ];
    },
  },
  CronJob: {
    columns: [NAME, col('Schedule'), col('Suspend'), col('Active'), col('Last Schedule'), AGE],
    cells(o, now) {
      const last = getPath(o, 'status.lastScheduleTime');
      return [
        o.metadata.name,
        str(getPath(o, 'spec.schedule')),
        getPath(o, 'spec.suspend') ? 'True' : 'False',
        arr(getPath(o, 'status.active')).length,
        typeof last === 'string' ? humanDuration(now - Date.parse(last)) : '<none>',
        age(o, now),
      ];
    },
  },
  Service: {
    columns: [
      NAME,
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      AGE,
      col('Selector', 1),
    ],
    cells(o, now) {
      const type = str(getPath(o, 'spec.type'), 'ClusterIP');
      const ingress = arr(getPath(o, 'status.loadBalancer.ingress')).filter(isObject);
      const externalIPs = arr(getPath(o, 'spec.externalIPs')).map(String);
      let external = externalIPs.length ? externalIPs.join(',') : '<none>';
      if (type === 'LoadBalancer') {
        const ips = [...ingress.map((i) => String(i.ip ?? i.hostname)), ...externalIPs];
        external = ips.length ? ips.join(',') : '<pending>';
      } else if (type === 'ExternalName') external = str(getPath(o, 'spec.externalName'));
      const ports = arr(getPath(o, 'spec.ports'))
        .filter(isObject)
        .map(
          (p) => `${text(p.port)}${p.nodePort ? `:${text(p.nodePort)}` : ''}/${text(p.protocol) || 'TCP'}`,
        );
      return [
        o.metadata.name,
        type,
        str(getPath(o, 'spec.clusterIP')),
        external,
        ports.length ? ports.join(',') : '<none>',
        age(o, now),
        mapText(getPath(o, 'spec.selector')),
      ];
    },
  },
  Namespace: {
    columns: [NAME, col('Status', 0, 'string', 'The status of the namespace'), AGE],
    cells: (o, now) => [o.metadata.name, str(getPath(o, 'status.phase'), 'Active'), age(o, now)],
  },
  Node: {
    columns: [
      NAME,
      col('Status'),
      col('Roles'),
      AGE,
      col('Version'),
      col('Internal-IP', 1),
      col('OS-Image', 1),
    ],
    cells(o, now) {
      const ready = arr(getPath(o, 'status.conditions'))
        .filter(isObject)
        .find((c) => c.type === 'Ready');
      let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
      if (getPath(o, 'spec.unschedulable')) status += ',SchedulingDisabled';
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length));
      const ip = arr(getPath(o, 'status.addresses'))
        .filter(isObject)
        .find((a) => a.type === 'InternalIP');
      return [
        o.metadata.name,
        status,
        roles.length ? roles.join(',') : '<none>',
        age(o, now),
        str(getPath(o, 'status.nodeInfo.kubeletVersion'), ''),
        str(ip?.address),
        str(getPath(o, 'status.nodeInfo.osImage'), '<unknown>'),
      ];
    },
  },
  ConfigMap: {
    columns: [NAME, col('Data'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      Object.keys(isObject(o.data) ? o.data : {}).length +
        Object.keys(isObject(o.binaryData) ? o.binaryData : {}).length,
      age(o, now),
    ],
  },
  Secret: {
    columns: [NAME, col('Type'), col('Data'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      str(o.type, 'Opaque'),
      Object.keys(isObject(o.data) ? o.data : {}).length,
      age(o, now),
    ],
  },
  ServiceAccount: {
    columns: [NAME, col('Secrets'), AGE],
    cells: (o, now) => [o.metadata.name, arr(o.secrets).length, age(o, now)],
  },
  Endpoints: {
    columns: [NAME, col('Endpoints'), AGE],
    cells(o, now) {
      const eps: string[] = [];
      for (const s of arr(o.subsets).filter(isObject)) {
        const ports = arr(s.ports).filter(isObject);
        for (const a of arr(s.addresses).filter(isObject)) {
          if (ports.length === 0) eps.push(String(a.ip));
          for (const p of ports) eps.push(`${a.ip}:${p.port}`);
        }
      }
      const shown =
        eps.length > 3 ? `${eps.slice(0, 3).join(',')} + ${eps.length - 3} more...` : eps.join(',');
      return [o.metadata.name, shown || '<none>', age(o, now)];
    },
  },
  Event: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Message'),
      { ...NAME, priority: 1 },
    ],
    cells(o, now) {
      const last = getPath(o, 'lastTimestamp') ?? getPath(o, 'eventTime') ?? o.metadata.creationTimestamp;
      const io = isObject(o.involvedObject) ? o.involvedObject : {};
      return [
        typeof last === 'string' ? humanDuration(now - Date.parse(last)) : '<unknown>',
        str(o.type, ''),
        str(o.reason, ''),
        `${text(io.kind).toLowerCase()}/${text(io.name)}`,
        str(o.message, ''),
        o.metadata.name,
      ];
    },
  },
  RoleBinding: {
    columns: [NAME, col('Role'), AGE, col('Users', 1), col('Groups', 1), col('ServiceAccounts', 1)],
    cells: (o, now) => bindingCells(o, now),
  },
  ClusterRoleBinding: {
    columns: [NAME, col('Role'), AGE, col('Users', 1), col('Groups', 1), col('ServiceAccounts', 1)],
    cells: (o, now) => bindingCells(o, now),
  },
  PersistentVolumeClaim: {
    columns: [
      NAME,
      col('Status'),
      col('Volume'),
      col('Capacity'),
      col('Access Modes'),
      col('StorageClass'),
      AGE,
    ],
    cells: (o, now) => [
      o.metadata.name,
      str(getPath(o, 'status.phase'), 'Pending'),
      str(getPath(o, 'spec.volumeName'), ''),
      str(getPath(o, 'status.capacity.storage'), ''),
      arr(getPath(o, 'spec.accessModes'))
        .map(
          (m) =>
            ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[
              String(m)
            ] ?? m,
        )
        .join(','),
      str(getPath(o, 'spec.storageClassName'), '<unset>'),
      age(o, now),
    ],
  },
  Lease: {
    columns: [NAME, col('Holder'), AGE],
    cells: (o, now) => [o.metadata.name, str(getPath(o, 'spec.holderIdentity'), ''), age(o, now)],
  },
  EndpointSlice: {
    columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE],
    cells(o, now) {
      const ports = arr(o.ports)
        .filter(isObject)
        .map((p) => String(p.port));
      const addrs = arr(o.endpoints)
        .filter(isObject)
        .flatMap((e) => arr(e.addresses).map(String));
      return [
        o.metadata.name,
        str(o.addressType, ''),
        ports.length ? ports.join(',') : '<unset>',
        addrs.length
          ? addrs.length > 3
            ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...`
            : addrs.join(',')
          : '<unset>',
        age(o, now),
      ];
    },
  },
};

function bindingCells(o: K8sObject, now: number): unknown[] {
  const subjects = arr(o.subjects).filter(isObject);
  const of = (kind: string) =>
    subjects
      .filter((s) => s.kind === kind)
      .map((s) => (kind === 'ServiceAccount' ? `${text(s.namespace)}/${text(s.name)}` : text(s.name)))
      .join(', ');
  return [
    o.metadata.name,
    `${getPath(o, 'roleRef.kind')}/${getPath(o, 'roleRef.name')}`,
    age(o, now),
    of('User'),
    of('Group'),
    of('ServiceAccount'),
  ];
}

/** The apiserver's default columns for kinds without a printer. */
export const DEFAULT_PRINTER: Printer = {
  columns: [
    NAME,
    { name: 'Created At', type: 'date', description: 'The creation timestamp of the object.', priority: 0 },
  ],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
};

export function printerFor(kind: string): Printer | undefined {
  return printers[kind] ?? extraPrinter(kind);
}
