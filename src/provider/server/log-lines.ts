// The provider's log, one timestamped line per request: under load, thousands a second. Lines written
// during one event-loop turn go out in one write (a synchronous one when stderr is a file), after the
// turn's requests are answered. Errors are written at once, after what is pending, in order.

export interface LineLog {
  (line: string): void;
  /** Writes what is pending now (before exit). */
  flush(): void;
}

/**
 * @param info writes progress lines (several, joined by newlines); --quiet may drop them
 * @param error writes an error line, always shown
 */
export function batchedLog(info: (text: string) => void, error: (text: string) => void): LineLog {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    info(text);
  };
  const log = (line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    if (line.startsWith('error:')) {
      flush();
      error(stamped);
      return;
    }
    if (pending.length === 0) setImmediate(flush);
    pending.push(stamped);
  };
  return Object.assign(log, { flush });
}
