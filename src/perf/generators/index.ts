// Picks a generator by name. Each is its own module, imported only when used: autocannon and execa are
// heavy, and the native engine needs neither.
import type { GeneratorName } from '../spec/run-spec.js';
import type { LoadGenerator } from './types.js';

export async function loadGenerator(name: GeneratorName): Promise<LoadGenerator> {
  switch (name) {
    case 'native':
      return (await import('./native.js')).nativeGenerator;
    case 'autocannon':
      return (await import('./autocannon.js')).autocannonGenerator;
    case 'wrk':
      return (await import('./wrk.js')).wrkGenerator;
    case 'wrk2':
      return (await import('./wrk2.js')).wrk2Generator;
    case 'fortio':
      return (await import('./fortio.js')).fortioGenerator;
  }
}
