// Long-running commands (servers, --keep) wait for Ctrl-C or SIGTERM, which main turns into an abort.

/** Resolves when the signal aborts (at once if it already has); never rejects. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * A signal that aborts with `signal` or after `ms`, whichever comes first; dispose() when done. Built on a
 * controller and a plain timer: a composite of AbortSignal.timeout() did not fire here when nothing else
 * held the timeout signal (a check waited on a dead adapter far past its limit).
 */
export function withDeadline(
  signal: AbortSignal,
  ms: number,
  why: string,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  // A TimeoutError, as AbortSignal.timeout() gives, so callers tell a deadline from Ctrl-C.
  const timer = setTimeout(() => controller.abort(new DOMException(why, 'TimeoutError')), ms);
  timer.unref();
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}
