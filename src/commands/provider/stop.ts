import { builtinPaths, stopBuiltinProvider } from '../../provider/builtin/daemon.js';
import { noOptions } from '../shared/convention.js';
import type { Invocation } from '../shared/invocation.js';

export const complete = noOptions;

export async function run(inv: Invocation): Promise<void> {
  const stopped = await stopBuiltinProvider(builtinPaths(inv.paths.stateDir));
  inv.log.success(stopped ? 'built-in provider stopped' : 'the built-in provider is not running');
}
