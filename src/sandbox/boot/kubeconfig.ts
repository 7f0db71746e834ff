// Kubeconfig documents for the sandbox: one cluster (with the CA inline), one user, one context.
import { stringify } from 'yaml';

import { SANDBOX_CONTEXT } from './context.js';

export { SANDBOX_CONTEXT };

export interface Credentials {
  token?: string;
  clientCertificate?: { cert: string; key: string };
}

export interface KubeconfigSpec {
  server: string;
  caPem?: string;
  /** kubeconfig names: cluster and context are `name`, the user is `userName`. */
  name?: string;
  userName?: string;
  namespace?: string;
  credentials: Credentials;
  /** For an http:// server: client-node refuses one without this. */
  insecureSkipTlsVerify?: boolean;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export function kubeconfigObject(spec: KubeconfigSpec): Record<string, unknown> {
  const name = spec.name ?? SANDBOX_CONTEXT;
  const userName = spec.userName ?? `${name}-admin`;
  const cluster: Record<string, unknown> = { server: spec.server };
  if (spec.caPem && spec.server.startsWith('https:')) cluster['certificate-authority-data'] = b64(spec.caPem);
  if (spec.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, unknown> = {};
  if (spec.credentials.token) user.token = spec.credentials.token;
  if (spec.credentials.clientCertificate) {
    user['client-certificate-data'] = b64(spec.credentials.clientCertificate.cert);
    user['client-key-data'] = b64(spec.credentials.clientCertificate.key);
  }
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    contexts: [{ name, context: { cluster: name, user: userName, namespace: spec.namespace ?? 'default' } }],
    'current-context': name,
    users: [{ name: userName, user }],
    preferences: {},
  };
}

export function kubeconfigText(spec: KubeconfigSpec): string {
  return stringify(kubeconfigObject(spec), { lineWidth: 0 });
}
