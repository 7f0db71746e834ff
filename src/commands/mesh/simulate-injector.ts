// `meshdeck mesh simulate-injector` (hidden): what a simulated control-plane pod runs in the sandbox. It
// serves the mesh's admission webhooks with the certificate meshdeck issued for the webhook's Service (in
// the pod's environment, from a Secret) and injects the mesh's sidecar. Not for people: `mesh deploy` on
// the sandbox puts it in the control plane's pod template (sandbox.meshdeck.dev/simulated-by).
import { UsageError } from '../../core/errors.js';
import { serveInjector } from '../../adapters/simulated/injector-server.js';
import { ENV } from '../../adapters/simulated/env.js';
import type { Invocation } from '../shared/invocation.js';

interface Flags {
  mesh: string;
  version: string;
  revision: string;
  controlPlaneNamespace: string;
  proxyImage: string;
  initImage?: string;
  webhookPort: string;
  port?: string[];
  host: string;
}

type Options = Parameters<typeof serveInjector>[0];

const portOf = (value: string, flag: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new UsageError(`invalid ${flag} "${value}": a port from 1 to 65535`);
  return n;
};

export function complete(inv: Invocation, flags: Flags): Options {
  const env = inv.env;
  const cert = env[ENV.cert];
  const key = env[ENV.key];
  if (!cert || !key)
    throw new UsageError(`no serving certificate: ${ENV.cert} and ${ENV.key} are not set`, {
      hint: 'this command runs inside a simulated control-plane pod of the sandbox (meshdeck mesh deploy)',
    });
  const token = env[ENV.token];
  const ca = env[ENV.apiCa];
  const host = env.KUBERNETES_SERVICE_HOST;
  return {
    mesh: flags.mesh,
    version: flags.version,
    revision: flags.revision,
    namespace: flags.controlPlaneNamespace,
    proxyImage: flags.proxyImage,
    initImage: flags.initImage,
    host: flags.host,
    webhookPort: portOf(flags.webhookPort, '--webhook-port'),
    ports: (flags.port ?? []).map((p) => portOf(p, '--port')),
    tls: { cert, key },
    api:
      token && ca && host ? { host, port: Number(env.KUBERNETES_SERVICE_PORT ?? 443), token, ca } : undefined,
    log: (line) => inv.log.info(line),
  };
}

export async function run(inv: Invocation, o: Options): Promise<void> {
  await serveInjector(o, inv.signal);
}
