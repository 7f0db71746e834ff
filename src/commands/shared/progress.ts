// Progress lines that several commands print while they wait.
import type { WaitStatus } from '../../k8s/wait/wait.js';

/** "waiting: 2/3 ready; deployment.apps/web -n shop: 1 of 3 updated replicas are available". */
export function progressLine(statuses: readonly WaitStatus[], goal: string): string {
  const done = statuses.filter((s) => s.state === 'ready').length;
  const next = statuses.find((s) => s.state !== 'ready');
  return `waiting: ${done}/${statuses.length} ${goal}${next ? `; ${next.target.what}: ${next.message}` : ''}`;
}
