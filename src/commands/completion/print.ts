import type { Invocation } from '../shared/invocation.js';
import { SCRIPTS } from './scripts.js';

type Shell = 'bash' | 'zsh' | 'fish';

interface Options {
  shell: Shell;
}

export function complete(_inv: Invocation, shell: Shell, _flags: object): Options {
  return { shell };
}

export async function run(inv: Invocation, { shell }: Options): Promise<void> {
  inv.out.write(SCRIPTS[shell]);
}
