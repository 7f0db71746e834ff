import { buildContextSpec, createContext } from '../../core/config/context-ops.js';
import type { Invocation } from '../shared/invocation.js';

export async function run(
  inv: Invocation,
  name: string,
  opts: { provider?: string; sandbox: boolean; use: boolean },
): Promise<void> {
  const spec = buildContextSpec({
    name,
    kubeconfig: inv.globals.kubeconfig,
    kubeContext: inv.globals.kubeContext,
    namespace: inv.globals.namespace,
    sandbox: opts.sandbox,
    providerUrl: opts.provider,
  });
  await createContext(inv.paths.configFile, spec, opts.use);
  inv.log.success(`context "${name}" created${opts.use ? ' and now in use' : ''}`);
}
