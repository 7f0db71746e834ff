// A failed API request becomes an error that names the resource and the cluster, with the exit code of
// the contract: 401 and 403 are "not permitted" (4), 400 and 422 are invalid input (2), the rest failed (1).
import { ExitCode, MeshdeckError, type ExitCodeValue } from '../../core/errors.js';
import { setting } from '../../core/settings.js';

/** A Kubernetes Status object (the body of every error response). */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
    retryAfterSeconds?: number;
  };
}

export interface RequestContext {
  method: string;
  path: string;
  /** What the request was about, as the user knows it: "deployment.apps/web -n shop". */
  what?: string;
  /** The cluster, for messages: "kube context prod in ~/.kube/config". */
  cluster: string;
}

export class KubeApiError extends MeshdeckError {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    exitCode: ExitCodeValue,
    readonly body: KubeStatus | undefined,
    options: { hint?: string; details?: string[] } = {},
  ) {
    super(message, exitCode, options);
  }

  get causes(): NonNullable<NonNullable<KubeStatus['details']>['causes']> {
    return this.body?.details?.causes ?? [];
  }
}

export function asStatus(body: unknown): KubeStatus | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const status = body as KubeStatus;
  return status.kind === 'Status' || typeof status.reason === 'string' || typeof status.message === 'string'
    ? status
    : undefined;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export function apiError(status: number, body: unknown, ctx: RequestContext, attempts = 1): KubeApiError {
  const s = asStatus(body);
  const reason = s?.reason || REASONS[status] || `HTTP ${status}`;
  const serverMessage =
    s?.message || (typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : reason);
  // The server usually names the object ('deployments.apps "web" not found'); when it does not, we do.
  const named = ctx.what && !/"[^"]+"/.test(serverMessage) ? `${ctx.what}: ${serverMessage}` : serverMessage;
  const causes = (s?.details?.causes ?? []).map((c) =>
    c.field ? `${c.field}: ${c.message ?? c.reason ?? ''}` : (c.message ?? c.reason ?? ''),
  );
  const retried = attempts > 1 ? ` (after ${attempts} attempts)` : '';

  switch (status) {
    case 401:
      return new KubeApiError(
        status,
        reason,
        `the cluster rejected meshdeck's credentials (401 Unauthorized)${ctx.what ? ` while working on ${ctx.what}` : ''}`,
        ExitCode.AUTH,
        s,
        {
          hint: `check the user of ${ctx.cluster}: its token or certificate may be wrong or expired`,
        },
      );
    case 403:
      return new KubeApiError(status, reason, named, ExitCode.AUTH, s, {
        hint: 'ask a cluster admin for this permission (kubectl auth can-i shows what you may do)',
      });
    case 400:
    case 422:
      return new KubeApiError(status, reason, named, ExitCode.USAGE, s, {
        details: causes.filter((c) => c && !serverMessage.includes(c)),
        hint: status === 422 ? 'fix the object as the cluster says, then apply again' : undefined,
      });
    case 409: {
      const conflicts = (s?.details?.causes ?? []).filter((c) => c.reason === 'FieldManagerConflict');
      return new KubeApiError(status, reason, named, ExitCode.FAILED, s, {
        details: conflicts.length > 0 ? conflicts.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`) : [],
        hint:
          conflicts.length > 0
            ? `another field manager owns these fields; run again with ${setting('force-conflicts')} to take them over`
            : reason === 'AlreadyExists'
              ? undefined
              : 'the object changed meanwhile; run the command again',
      });
    }
    case 429:
      return new KubeApiError(
        status,
        reason,
        `the cluster kept throttling meshdeck (429 Too Many Requests)${retried}${ctx.what ? ` while working on ${ctx.what}` : ''}`,
        ExitCode.FAILED,
        s,
        {
          hint: `try again later, or lower ${setting('concurrency')}`,
        },
      );
    default: {
      const server = status >= 500 ? ` (${status} from the server${retried})` : ` (HTTP ${status})`;
      return new KubeApiError(status, reason, `${named}${server}`, ExitCode.FAILED, s, {
        hint:
          status >= 500
            ? `the API server of ${ctx.cluster} failed; try again, and check its health`
            : undefined,
      });
    }
  }
}
