// How long to wait before the next attempt to reach an adapter: exponential from `initialMs`, capped at
// `maxMs`, with "equal jitter" (half the step fixed, half random) so that many clients a restarted adapter
// comes back to do not all knock at the same moment, while no wait is ever shorter than half its step.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/** 100 ms, 200 ms, 400 ms ... up to 5 s between attempts. */
export const ADAPTER_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 100, maxMs: 5000, factor: 2 });

/** The wait before attempt number `attempt + 1` (attempt counts from 0). */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.min(attempt, 30));
  return Math.round(step / 2 + (step / 2) * random());
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
