import { builtinPaths, stopBuiltinProvider } from '../../provider/builtin/daemon.js';
import type { Invocation } from '../shared/invocation.js';

export async function run(inv: Invocation, _opts: object): Promise<void> {
  const stopped = await stopBuiltinProvider(builtinPaths(inv.paths.stateDir));
  inv.log.success(stopped ? 'built-in provider stopped' : 'the built-in provider is not running');
}
