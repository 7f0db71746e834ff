import { buildContextSpec, createContext } from '../../core/config/context-ops.js';
import type { ContextSpec } from '../../core/config/model.js';
import type { Invocation } from '../shared/invocation.js';

interface Options {
  spec: ContextSpec;
  use: boolean;
}

/** The new context from the argument, the global cluster flags and --provider/--sandbox (checked). */
export function complete(
  inv: Invocation,
  name: string,
  flags: { provider?: string; sandbox: boolean; use: boolean },
): Options {
  const spec = buildContextSpec({
    name,
    kubeconfig: inv.globals.kubeconfig,
    kubeContext: inv.globals.kubeContext,
    namespace: inv.globals.namespace,
    sandbox: flags.sandbox,
    providerUrl: flags.provider,
  });
  return { spec, use: flags.use };
}

export async function run(inv: Invocation, o: Options): Promise<void> {
  await createContext(inv.paths.configFile, o.spec, o.use);
  inv.log.success(`context "${o.spec.name}" created${o.use ? ' and now in use' : ''}`);
}
