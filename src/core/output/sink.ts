// Writes to stdout and stderr by file descriptor. Creating process.stdout builds a stream stack that costs
// a few milliseconds of every start-up; a CLI that prints and exits does not need it. On Linux the stdio
// streams are synchronous anyway, so ordering with any later process.stdout writer is preserved.
import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { errnoCode } from '../errors.js';

export interface Sink {
  readonly isTTY: boolean;
  /** Terminal width, when it is a terminal. */
  columns(): number | undefined;
  write(text: string): void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

export class FdSink implements Sink {
  readonly isTTY: boolean;

  constructor(
    readonly fd: 1 | 2,
    private readonly onClosed: () => void = () => process.exit(process.exitCode ?? 0),
  ) {
    this.isTTY = isTerminal(fd);
  }

  columns(): number | undefined {
    if (!this.isTTY) return undefined;
    return (this.fd === 1 ? process.stdout : process.stderr).columns;
  }

  write(text: string): void {
    const data = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(this.fd, data, offset, data.length - offset);
      } catch (err) {
        const code = errnoCode(err);
        // A non-blocking descriptor inherited from the parent: wait for the reader, then go on.
        if (code === 'EAGAIN') {
          Atomics.wait(pause, 0, 0, 2);
          continue;
        }
        // The reader went away (`meshdeck ... | head`): nothing more to say.
        if (code === 'EPIPE') {
          this.onClosed();
          return;
        }
        throw err;
      }
    }
  }
}

/** A sink that keeps what is written, for tests and for rendering into strings. */
export class MemorySink implements Sink {
  text = '';
  constructor(readonly isTTY = false) {}
  columns(): number | undefined {
    return this.isTTY ? 80 : undefined;
  }
  write(text: string): void {
    this.text += text;
  }
}

/**
 * Files, pipes and sockets (scripts, CI) are told apart by fstat alone; node:tty, which loads the whole
 * net stack, is consulted only for character devices, where a person may be looking.
 */
function isTerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice()) return false;
    // On Linux, terminals are the tty (4), tty-aux (5) and pty (136-143) majors; /dev/null (1) is not.
    if (process.platform === 'linux') {
      const major = (stat.rdev >> 8) & 0xfff;
      if (major !== 4 && major !== 5 && (major < 136 || major > 143)) return false;
    }
  } catch {
    return false;
  }
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return tty.isatty(fd);
}

let stdoutSink: FdSink | undefined;
let stderrSink: FdSink | undefined;
export function stdout(): Sink {
  return (stdoutSink ??= new FdSink(1));
}
export function stderr(): Sink {
  return (stderrSink ??= new FdSink(2));
}
