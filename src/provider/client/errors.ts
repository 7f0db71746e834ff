// How provider failures are told to the user, the same way for every command. Failures that mean "the
// provider cannot be reached right now" are marked offline: reads then use the cache, writes the outbox.
import { AuthError, OperationError, TimeoutError } from '../../core/errors.js';

export class ProviderUnreachableError extends OperationError {
  readonly offline = true;
}

export class ProviderTimeoutError extends TimeoutError {
  readonly offline = true;
}

/** The provider (or a proxy before it) answered 502, 503 or 504. */
export class ProviderUnavailableError extends OperationError {
  readonly offline = true;
}

/** The provider answered, but not with what the protocol says. */
export class ProviderResponseError extends OperationError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    options: { hint?: string } = {},
  ) {
    super(message, options);
  }
}

export function isOffline(err: unknown): boolean {
  return (err as { offline?: boolean } | null)?.offline === true;
}

export function notSignedIn(url: string): AuthError {
  return new AuthError(`not signed in to the provider at ${url}`, {
    hint: `run meshdeck login${url ? ` --provider ${url}` : ''} (or set MESHDECK_TOKEN)`,
  });
}

export function tokenRefused(url: string, reason: string, fromEnv: boolean): AuthError {
  if (fromEnv) {
    return new AuthError(`MESHDECK_TOKEN was refused by the provider at ${url} (${reason})`, {
      hint: 'set MESHDECK_TOKEN to a valid token, or unset it and run meshdeck login',
    });
  }
  return new AuthError(
    `token ${/expired/.test(reason) ? 'expired' : 'refused'} (${reason}): run meshdeck login`,
    {
      hint: `meshdeck login --provider ${url}`,
    },
  );
}
