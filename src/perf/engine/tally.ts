// Counters of one run, kept in flat numeric fields so the hot path only increments them, and merged by
// adding when several workers (or threads) ran the load.

export const ERROR_CLASSES = ['connect', 'timeout', 'reset', 'protocol'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface TallyData {
  /** Requests sent whose reference time fell in the measured window. */
  sent: number;
  /** Responses received for those requests (any status). */
  completed: number;
  /** Requests that were due but still queued (no free connection) when the run ended. */
  unsent: number;
  statuses: Record<string, number>;
  errors: Record<ErrorClass, number>;
  /** One message per error class, the first seen, to explain the count. */
  errorSamples: Partial<Record<ErrorClass, string>>;
  bytesRead: number;
  bytesWritten: number;
  /** Monotonic clock (ms, process.hrtime based) of the last measured send and completion; 0 if none. */
  lastSendHr: number;
  lastCompletionHr: number;
}

export class Tally {
  sent = 0;
  completed = 0;
  unsent = 0;
  readonly statuses = new Float64Array(600);
  connect = 0;
  timeout = 0;
  reset = 0;
  protocol = 0;
  readonly samples: Partial<Record<ErrorClass, string>> = {};
  bytesRead = 0;
  bytesWritten = 0;
  lastSendHr = 0;
  lastCompletionHr = 0;

  error(kind: ErrorClass, count: number, message?: string): void {
    if (count <= 0) return;
    this[kind] += count;
    if (message && this.samples[kind] === undefined) this.samples[kind] = message;
  }

  get errorTotal(): number {
    return this.connect + this.timeout + this.reset + this.protocol;
  }

  toData(): TallyData {
    const statuses: Record<string, number> = {};
    for (let s = 0; s < this.statuses.length; s++)
      if (this.statuses[s] > 0) statuses[String(s)] = this.statuses[s];
    return {
      sent: this.sent,
      completed: this.completed,
      unsent: this.unsent,
      statuses,
      errors: { connect: this.connect, timeout: this.timeout, reset: this.reset, protocol: this.protocol },
      errorSamples: { ...this.samples },
      bytesRead: this.bytesRead,
      bytesWritten: this.bytesWritten,
      lastSendHr: this.lastSendHr,
      lastCompletionHr: this.lastCompletionHr,
    };
  }
}

export function emptyTally(): TallyData {
  return new Tally().toData();
}

/** Adds b into a (both plain data, as posted by workers). */
export function mergeTally(a: TallyData, b: TallyData): TallyData {
  const statuses = { ...a.statuses };
  for (const [code, n] of Object.entries(b.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  const errors = { ...a.errors };
  for (const kind of ERROR_CLASSES) errors[kind] += b.errors[kind];
  return {
    sent: a.sent + b.sent,
    completed: a.completed + b.completed,
    unsent: a.unsent + b.unsent,
    statuses,
    errors,
    errorSamples: { ...b.errorSamples, ...a.errorSamples },
    bytesRead: a.bytesRead + b.bytesRead,
    bytesWritten: a.bytesWritten + b.bytesWritten,
    lastSendHr: Math.max(a.lastSendHr, b.lastSendHr),
    lastCompletionHr: Math.max(a.lastCompletionHr, b.lastCompletionHr),
  };
}
