// How many worker threads a run gets when --workers is not given: the cores a target on this machine
// does not need. A local target (loopback or one of this host's addresses) keeps one core for itself.
import { availableParallelism, networkInterfaces } from 'node:os';

export function defaultWorkers(hostname: string, connections: number): number {
  const cores = availableParallelism();
  const spare = isLocalHost(hostname) ? cores - 1 : cores;
  return Math.max(1, Math.min(spare, connections));
}

export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host.startsWith('127.'))
    return true;
  if (host === '0.0.0.0' || host === '::') return true;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.address.toLowerCase() === host) return true;
  }
  return false;
}
