// Long-running commands (servers, --keep) wait for Ctrl-C or SIGTERM, which main turns into an abort.

/** Resolves when the signal aborts (at once if it already has); never rejects. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
