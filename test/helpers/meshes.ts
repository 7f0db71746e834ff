// Mesh control planes and their objects written straight into the sandbox (no installer runs here): the
// upstream-shaped CRDs under test/fixtures/meshes and a control plane that looks like each mesh's to the
// signals meshdeck reads (meshes.md x.6).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ClusterHome } from './cluster.js';
import { REPO_ROOT } from './cli.js';

export const MESH_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'meshes');

export async function kubectlApply(c: ClusterHome, yaml: string): Promise<void> {
  const r = await c.kubectl(['apply', '-f', '-'], { input: yaml });
  assert.equal(r.code, 0, `kubectl apply: ${r.stderr}\n${yaml}`);
}

export async function applyMeshCrds(c: ClusterHome, mesh: 'istio' | 'linkerd'): Promise<void> {
  const r = await c.kubectl(['apply', '-f', join(MESH_FIXTURES, `${mesh}-crds.yaml`)]);
  assert.equal(r.code, 0, r.stderr);
}

/** An istiod Deployment, Service and sidecar-injector webhook in istio-system (caBundle: the PEM given). */
export function istioControlPlane(opts: {
  caPem: string;
  version?: string;
  podAnnotations?: Record<string, string>;
}): string {
  const version = opts.version ?? '1.30.3';
  const annotations = JSON.stringify({ 'sidecar.istio.io/inject': 'false', ...opts.podAnnotations });
  return `apiVersion: v1
kind: Namespace
metadata:
  name: istio-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: istio-system
  labels: {app: istiod, istio.io/rev: default}
spec:
  replicas: 1
  selector:
    matchLabels: {app: istiod}
  template:
    metadata:
      labels: {app: istiod, istio.io/rev: default}
      annotations: ${annotations}
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:${version}
        ports: [{containerPort: 15017, name: https-webhook}]
---
apiVersion: v1
kind: Service
metadata:
  name: istiod
  namespace: istio-system
spec:
  selector: {app: istiod}
  ports:
  - {name: https-webhook, port: 443, targetPort: 15017}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: istio-sidecar-injector
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Ignore
  clientConfig:
    service: {name: istiod, namespace: istio-system, path: /inject, port: 443}
    caBundle: ${Buffer.from(opts.caPem).toString('base64')}
  namespaceSelector:
    matchLabels: {istio-injection: enabled}
  rules:
  - operations: [CREATE]
    apiGroups: [""]
    apiVersions: [v1]
    resources: [pods]
`;
}
