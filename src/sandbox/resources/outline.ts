// An outline schema of each built-in kind: the top-level fields, ObjectMeta in full, and the main spec
// fields of the workload kinds. It serves `kubectl explain` through /openapi/v3 and strict field
// validation of the levels it closes; below that, fields are preserved as sent.
import type { Schema } from '../base/schema.js';

const str = (description: string): Schema => ({ type: 'string', description });
const int = (description: string): Schema => ({ type: 'integer', format: 'int32', description });
const bool = (description: string): Schema => ({ type: 'boolean', description });
const map = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
});
const open = (description: string, properties?: Record<string, Schema>): Schema => ({
  type: 'object',
  description,
  'x-kubernetes-preserve-unknown-fields': true,
  ...(properties ? { properties } : {}),
});
const list = (description: string, items: Schema): Schema => ({ type: 'array', description, items });

export const OBJECT_META: Schema = {
  type: 'object',
  description:
    "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  properties: {
    annotations: map('Annotations is an unstructured key value map stored with a resource.'),
    creationTimestamp: {
      type: 'string',
      format: 'date-time',
      description: 'When this object was created (set by the server).',
    },
    deletionGracePeriodSeconds: {
      type: 'integer',
      format: 'int64',
      description: 'Seconds allowed for graceful termination.',
    },
    deletionTimestamp: {
      type: 'string',
      format: 'date-time',
      description: 'When this object will be deleted (set by the server).',
    },
    finalizers: list('Must be empty before the object is deleted from the registry.', { type: 'string' }),
    generateName: str(
      'Optional prefix used by the server to generate a unique name when name is not provided.',
    ),
    generation: {
      type: 'integer',
      format: 'int64',
      description: 'A sequence number representing a specific generation of the desired state.',
    },
    labels: map('Map of string keys and values that can be used to organize and categorize objects.'),
    managedFields: list(
      'Which field managers own which fields (server-side apply).',
      open('A field manager entry.'),
    ),
    name: str('Name must be unique within a namespace.'),
    namespace: str('Namespace defines the space within which each name must be unique.'),
    ownerReferences: list('List of objects depended by this object.', open('An owner reference.')),
    resourceVersion: str('An opaque value that represents the internal version of this object.'),
    selfLink: str('Deprecated.'),
    uid: str('UID is the unique in time and space value for this object.'),
  },
};

const API_VERSION = str(
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
);
const KIND = str(
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.',
);

const CONTAINER = open('A single application container that you want to run within a pod.', {
  name: str('Name of the container specified as a DNS_LABEL.'),
  image: str('Container image name.'),
  imagePullPolicy: str('Image pull policy. One of Always, Never, IfNotPresent.'),
  command: list('Entrypoint array.', { type: 'string' }),
  args: list('Arguments to the entrypoint.', { type: 'string' }),
  env: list(
    'List of environment variables to set in the container.',
    open('EnvVar represents an environment variable present in a Container.'),
  ),
  ports: list(
    'List of ports to expose from the container.',
    open('ContainerPort represents a network port in a single container.'),
  ),
  resources: open('Compute Resources required by this container.'),
});

const POD_SPEC = open('Specification of the desired behavior of the pod.', {
  containers: list('List of containers belonging to the pod.', CONTAINER),
  initContainers: list('List of initialization containers belonging to the pod.', CONTAINER),
  restartPolicy: str('Restart policy for all containers within the pod. One of Always, OnFailure, Never.'),
  nodeName: str('A request to schedule this pod onto a specific node.'),
  serviceAccountName: str('Name of the ServiceAccount to use to run this pod.'),
  terminationGracePeriodSeconds: int('Duration in seconds the pod needs to terminate gracefully.'),
});

const TEMPLATE = open('Template describes the pods that will be created.', {
  metadata: OBJECT_META,
  spec: POD_SPEC,
});

const SPECS: Record<string, Schema> = {
  Pod: POD_SPEC,
  Deployment: open('Specification of the desired behavior of the Deployment.', {
    replicas: int('Number of desired pods. Defaults to 1.'),
    selector: open("Label selector for pods. It must match the pod template's labels."),
    template: TEMPLATE,
    strategy: open('The deployment strategy to use to replace existing pods with new ones.'),
    minReadySeconds: int('Minimum number of seconds for which a newly created pod should be ready.'),
    revisionHistoryLimit: int('The number of old ReplicaSets to retain to allow rollback.'),
    progressDeadlineSeconds: int(
      'The maximum time in seconds for a deployment to make progress before it is considered to be failed.',
    ),
    paused: bool('Indicates that the deployment is paused.'),
  }),
  ReplicaSet: open('Spec defines the specification of the desired behavior of the ReplicaSet.', {
    replicas: int('Replicas is the number of desired pods.'),
    selector: open('Selector is a label query over pods that should match the replica count.'),
    template: TEMPLATE,
  }),
  StatefulSet: open('Spec defines the desired identities of pods in this set.', {
    replicas: int('The desired number of replicas of the given Template.'),
    serviceName: str('The name of the service that governs this StatefulSet.'),
    selector: open('A label query over pods that should match the replica count.'),
    template: TEMPLATE,
  }),
  DaemonSet: open('The desired behavior of this daemon set.', {
    selector: open('A label query over pods that are managed by the daemon set.'),
    template: TEMPLATE,
  }),
  Job: open('Specification of the desired behavior of a job.', {
    completions: int(
      'Specifies the desired number of successfully finished pods the job should be run with.',
    ),
    parallelism: int('Specifies the maximum desired number of pods the job should run at any given time.'),
    backoffLimit: int('Specifies the number of retries before marking this job failed.'),
    template: TEMPLATE,
  }),
  Service: open('Spec defines the behavior of a service.', {
    type: str(
      'Type determines how the Service is exposed. One of ClusterIP, NodePort, LoadBalancer, ExternalName.',
    ),
    selector: map('Route service traffic to pods with label keys and values matching this selector.'),
    ports: list(
      'The list of ports that are exposed by this service.',
      open("ServicePort contains information on service's port."),
    ),
    clusterIP: str('The IP address of the service, usually assigned randomly.'),
  }),
};

/** The schema of a built-in kind. Kinds without spec/status keep any top-level field. */
export function outlineSchema(
  kind: string,
  description: string,
  hasSpec: boolean,
  hasStatus: boolean,
): Schema {
  const properties: Record<string, Schema> = { apiVersion: API_VERSION, kind: KIND, metadata: OBJECT_META };
  if (hasSpec) properties.spec = SPECS[kind] ?? open(`Spec defines the desired state of the ${kind}.`);
  if (hasStatus || hasSpec)
    properties.status = open(`Status is the most recently observed state of the ${kind}. Read-only.`);
  return {
    type: 'object',
    description,
    properties,
    ...(hasSpec ? {} : { 'x-kubernetes-preserve-unknown-fields': true }),
  };
}
