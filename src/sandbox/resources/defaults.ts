// Defaulting of built-in kinds: the values the apiserver fills in, which status checks (rollout status,
// kubectl wait) and controllers rely on.
import type { K8sObject } from '../base/types.js';
import { def, getPath, objAt } from '../base/paths.js';
import { isObject } from '../../kube/json.js';

function defaultContainer(c: Record<string, unknown>): void {
  const image = typeof c.image === 'string' ? c.image : '';
  const tag = image.includes('@') ? 'digest' : (image.split('/').pop() ?? '').split(':')[1];
  def(c, 'imagePullPolicy', !tag || tag === 'latest' ? 'Always' : 'IfNotPresent');
  def(c, 'terminationMessagePath', '/dev/termination-log');
  def(c, 'terminationMessagePolicy', 'File');
  def(c, 'resources', {});
  if (Array.isArray(c.ports)) for (const p of c.ports) if (isObject(p)) def(p, 'protocol', 'TCP');
}

export function defaultPodSpec(spec: Record<string, unknown>): void {
  def(spec, 'restartPolicy', 'Always');
  def(spec, 'terminationGracePeriodSeconds', 30);
  def(spec, 'dnsPolicy', 'ClusterFirst');
  def(spec, 'securityContext', {});
  def(spec, 'schedulerName', 'default-scheduler');
  def(spec, 'enableServiceLinks', true);
  for (const key of ['containers', 'initContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list) if (isObject(c)) defaultContainer(c);
  }
}

function defaultTemplate(obj: K8sObject, path: string): void {
  const spec = getPath(obj, path);
  if (isObject(spec)) defaultPodSpec(spec);
}

export const DEFAULTS: Record<string, (obj: K8sObject) => void> = {
  Pod(obj) {
    const spec = objAt(obj, 'spec');
    defaultPodSpec(spec);
    if (spec.serviceAccountName === undefined && spec.serviceAccount !== undefined)
      spec.serviceAccountName = spec.serviceAccount;
    def(spec, 'serviceAccountName', 'default');
    def(spec, 'serviceAccount', spec.serviceAccountName);
    def(spec, 'priority', 0);
    def(spec, 'preemptionPolicy', 'PreemptLowerPriority');
    const status = objAt(obj, 'status');
    def(status, 'phase', 'Pending');
    def(status, 'qosClass', 'BestEffort');
  },
  Deployment(obj) {
    const spec = objAt(obj, 'spec');
    def(spec, 'replicas', 1);
    def(spec, 'revisionHistoryLimit', 10);
    def(spec, 'progressDeadlineSeconds', 600);
    const strategy = objAt(spec, 'strategy');
    def(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = objAt(strategy, 'rollingUpdate');
      def(ru, 'maxSurge', '25%');
      def(ru, 'maxUnavailable', '25%');
    }
    defaultTemplate(obj, 'spec.template.spec');
  },
  ReplicaSet(obj) {
    def(objAt(obj, 'spec'), 'replicas', 1);
    defaultTemplate(obj, 'spec.template.spec');
  },
  StatefulSet(obj) {
    const spec = objAt(obj, 'spec');
    def(spec, 'replicas', 1);
    def(spec, 'podManagementPolicy', 'OrderedReady');
    def(spec, 'revisionHistoryLimit', 10);
    const strategy = objAt(spec, 'updateStrategy');
    def(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') def(objAt(strategy, 'rollingUpdate'), 'partition', 0);
    const retention = objAt(spec, 'persistentVolumeClaimRetentionPolicy');
    def(retention, 'whenDeleted', 'Retain');
    def(retention, 'whenScaled', 'Retain');
    defaultTemplate(obj, 'spec.template.spec');
  },
  DaemonSet(obj) {
    const spec = objAt(obj, 'spec');
    def(spec, 'revisionHistoryLimit', 10);
    const strategy = objAt(spec, 'updateStrategy');
    def(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = objAt(strategy, 'rollingUpdate');
      def(ru, 'maxUnavailable', 1);
      def(ru, 'maxSurge', 0);
    }
    defaultTemplate(obj, 'spec.template.spec');
  },
  Job(obj) {
    const spec = objAt(obj, 'spec');
    // Completions default to 1 only when neither is set (a work queue sets parallelism alone).
    if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
    def(spec, 'parallelism', 1);
    def(spec, 'backoffLimit', 6);
    def(spec, 'completionMode', 'NonIndexed');
    def(spec, 'suspend', false);
    defaultTemplate(obj, 'spec.template.spec');
  },
  CronJob(obj) {
    const spec = objAt(obj, 'spec');
    def(spec, 'concurrencyPolicy', 'Allow');
    def(spec, 'suspend', false);
    def(spec, 'successfulJobsHistoryLimit', 3);
    def(spec, 'failedJobsHistoryLimit', 1);
    defaultTemplate(obj, 'spec.jobTemplate.spec.template.spec');
  },
  ReplicationController(obj) {
    def(objAt(obj, 'spec'), 'replicas', 1);
    defaultTemplate(obj, 'spec.template.spec');
  },
  Service(obj) {
    const spec = objAt(obj, 'spec');
    def(spec, 'type', 'ClusterIP');
    def(spec, 'sessionAffinity', 'None');
    if (spec.type !== 'ExternalName') {
      def(spec, 'ipFamilies', ['IPv4']);
      def(spec, 'ipFamilyPolicy', 'SingleStack');
      def(spec, 'internalTrafficPolicy', 'Cluster');
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer')
      def(spec, 'externalTrafficPolicy', 'Cluster');
    if (Array.isArray(spec.ports)) {
      for (const p of spec.ports) {
        if (!isObject(p)) continue;
        def(p, 'protocol', 'TCP');
        def(p, 'targetPort', p.port);
      }
    }
    def(objAt(obj, 'status'), 'loadBalancer', {});
  },
  Namespace(obj) {
    const name = obj.metadata.name;
    if (name) obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': name };
    def(objAt(obj, 'spec'), 'finalizers', ['kubernetes']);
    def(objAt(obj, 'status'), 'phase', 'Active');
  },
  Secret(obj) {
    def(obj, 'type', 'Opaque');
    // stringData is write-only: it is merged into data, base64-encoded.
    if (isObject(obj.stringData)) {
      const data = isObject(obj.data) ? obj.data : {};
      for (const [k, v] of Object.entries(obj.stringData))
        data[k] = Buffer.from(String(v)).toString('base64');
      obj.data = data;
      delete obj.stringData;
    }
  },
  PersistentVolumeClaim(obj) {
    def(objAt(obj, 'spec'), 'volumeMode', 'Filesystem');
    def(objAt(obj, 'status'), 'phase', 'Pending');
  },
  Node(obj) {
    def(objAt(obj, 'status'), 'conditions', []);
  },
};
