import type { Invocation } from '../shared/invocation.js';
import { SCRIPTS } from './scripts.js';

export async function run(inv: Invocation, shell: 'bash' | 'zsh' | 'fish', _opts: object): Promise<void> {
  inv.out.write(SCRIPTS[shell]);
}
