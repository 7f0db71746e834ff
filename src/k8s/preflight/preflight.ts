// The permission preflight: one SelfSubjectAccessReview per verb, resource and namespace an operation
// needs, all asked before anything changes; every missing permission is reported together (exit 4).
import { AuthError } from '../../core/errors.js';
import type { ClusterClient } from '../client.js';
import { KubeApiError } from '../http/errors.js';
import { mapLimit } from '../util/concurrency.js';
import { describePermission, type Permission } from './permissions.js';

export interface PreflightResult {
  /** False when the cluster would not answer access reviews (then the operation itself will tell). */
  checked: boolean;
  missing: Permission[];
}

export async function checkPermissions(
  client: ClusterClient,
  permissions: readonly Permission[],
  concurrency = 16,
): Promise<PreflightResult> {
  try {
    const answers = await mapLimit(permissions, concurrency, async (p) => ({ p, ...(await client.canI(p)) }));
    return { checked: true, missing: answers.filter((a) => !a.allowed).map((a) => a.p) };
  } catch (err) {
    if (err instanceof KubeApiError && (err.status === 403 || err.status === 404))
      return { checked: false, missing: [] };
    throw err;
  }
}

export function missingPermissionsError(
  missing: readonly Permission[],
  operation: string,
  cluster: string,
): AuthError {
  return new AuthError(
    `not permitted to ${operation}: ${missing.length} permission${missing.length === 1 ? '' : 's'} missing; nothing was changed`,
    {
      details: missing.map((p) => `missing: ${describePermission(p)}`),
      hint: `ask an admin of ${cluster} for these permissions (a Role or ClusterRole bound to your user)`,
    },
  );
}
