// Every failure meshdeck reports is one of these. The top level renders it once and turns it into an exit
// code from the contract in PRODUCT.md, so domain code never calls process.exit itself.

export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  PROBLEM_FOUND: 3,
  AUTH: 4,
  TIMEOUT: 5,
  INTERRUPTED: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorOptions {
  /** What the user can do about it, printed on its own line. */
  hint?: string;
  /** Extra lines (a list of failures, a code frame) printed under the message. */
  details?: string[];
  cause?: unknown;
}

export class MeshdeckError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  readonly details: string[];

  constructor(message: string, exitCode: ExitCodeValue, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

/** A bad flag, argument, file or value given by the user: exit 2. */
export class UsageError extends MeshdeckError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.USAGE, options);
  }
}

/** The operation was attempted and failed (network, cluster, disk): exit 1. */
export class OperationError extends MeshdeckError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.FAILED, options);
  }
}

/** A check, gate, validation or diff found a problem; the command itself worked: exit 3. */
export class ProblemFoundError extends MeshdeckError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.PROBLEM_FOUND, options);
  }
}

/** Not signed in, token expired or revoked, or not permitted: exit 4. */
export class AuthError extends MeshdeckError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.AUTH, options);
  }
}

/** Gave up waiting: exit 5. */
export class TimeoutError extends MeshdeckError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.TIMEOUT, options);
  }
}

/** Stopped by Ctrl-C or SIGTERM: exit 130. Partial results are written before this is thrown. */
export class InterruptedError extends MeshdeckError {
  constructor(message = 'interrupted', options?: ErrorOptions) {
    super(message, ExitCode.INTERRUPTED, options);
  }
}

export function isMeshdeckError(err: unknown): err is MeshdeckError {
  return err instanceof MeshdeckError;
}

/** The errno-style code of a Node system error, if it has one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return undefined;
}
