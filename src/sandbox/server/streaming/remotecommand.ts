// exec and attach over both transports kubectl uses: SPDY streams (one per channel, named by the
// streamType header) and WebSocket channels (the first byte of each message), with the v4/v5 protocol's
// status on the error channel: Success, NonZeroExitCode with the ExitCode cause, or an InternalError, as
// the kubelet writes them.
import { PassThrough, type Readable } from 'node:stream';
import type { AttachTarget, ExecTarget } from '../../kubelet/streaming.js';
import type { SpdySession, SpdyStream } from './spdy.js';
import type { WebSocketConnection } from './websocket.js';

/** The channels of one exec or attach, whatever carries them. */
export interface CommandChannels {
  stdin?: Readable;
  stdout?: (data: Buffer) => void;
  stderr?: (data: Buffer) => void;
  /** Writes the status on the error channel; then everything ends. */
  finish(status: Record<string, unknown>): void;
  /** The client went away. */
  onGone(handler: () => void): void;
}

export interface CommandOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The protocols the kubelet and apiserver speak for exec and attach, newest first. */
export const COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const SUCCESS = { metadata: {}, status: 'Success' };

function exitStatus(command: string[], code: number): Record<string, unknown> {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function internalError(message: string): Record<string, unknown> {
  const detail = `error executing command in container: ${message}`;
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${detail}`,
    reason: 'InternalError',
    details: { causes: [{ message: detail }] },
    code: 500,
  };
}

/** Runs the command beside the container's process, its stdio on the channels. */
export function runExec(target: ExecTarget, command: string[], tty: boolean, ch: CommandChannels): void {
  let child;
  try {
    child = target.spawn(command, { stdin: ch.stdin !== undefined });
  } catch (err) {
    ch.finish(internalError(err instanceof Error ? err.message : String(err)));
    return;
  }
  let failure: Error | undefined;
  child.on('error', (err) => (failure = err));
  child.stdout?.on('data', (d: Buffer) => ch.stdout?.(d));
  // A terminal has one output: with tty, stderr goes where stdout goes.
  child.stderr?.on('data', (d: Buffer) => (tty ? ch.stdout : ch.stderr)?.(d));
  if (ch.stdin && child.stdin) {
    child.stdin.on('error', () => undefined); // the command may exit before reading all of stdin
    ch.stdin.pipe(child.stdin);
  }
  let done = false;
  child.on('close', (code, signal) => {
    done = true;
    if (failure && code === null) return ch.finish(internalError(failure.message));
    const rc = code ?? 128 + (signal ? (signalNumbers[signal] ?? 0) : 0);
    ch.finish(rc === 0 ? SUCCESS : exitStatus(command, rc));
  });
  ch.onGone(() => {
    if (!done) child.kill('SIGKILL');
  });
}

const signalNumbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };

/** Follows the container's output from now on until its process ends. */
export function runAttach(target: AttachTarget, ch: CommandChannels): void {
  const unfollow = target.log.follow(
    (e) => ch.stdout?.(Buffer.from(`${e.text}\n`)),
    () => ch.finish(SUCCESS),
  );
  ch.onGone(unfollow);
}

/** Over SPDY: the client opens error, stdin, stdout, stderr (and resize) streams; work starts once all are in. */
export function commandOverSpdy(
  session: SpdySession,
  opts: CommandOptions,
  start: (ch: CommandChannels) => void,
): (stream: SpdyStream) => void {
  const streams = new Map<string, SpdyStream>();
  let started = false;
  const timer = setTimeout(() => session.goAway(), 30_000);
  timer.unref();
  session.onClose(() => clearTimeout(timer));
  const ready = () =>
    streams.has('error') &&
    (!opts.stdin || streams.has('stdin')) &&
    (!opts.stdout || streams.has('stdout')) &&
    (!opts.stderr || opts.tty || streams.has('stderr'));
  return (stream) => {
    const type = stream.headers.get('streamtype') ?? '';
    if (!['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type) || streams.has(type)) {
      stream.reset();
      return;
    }
    streams.set(type, stream);
    if (type !== 'stdin') stream.resume(); // resize messages and stray data are read and dropped
    if (started || !ready()) return;
    started = true;
    clearTimeout(timer);
    const out = (name: string) => {
      const s = streams.get(name);
      return s ? (d: Buffer) => void s.write(d) : undefined;
    };
    start({
      stdin: streams.get('stdin'),
      stdout: out('stdout'),
      stderr: out('stderr'),
      finish(status) {
        for (const name of ['stdout', 'stderr', 'stdin']) streams.get(name)?.end();
        streams.get('error')!.end(Buffer.from(JSON.stringify(status)));
        // The kubelet closes the connection once the command is done.
        setImmediate(() => session.goAway());
      },
      onGone: (h) => session.onClose(h),
    });
  };
}

const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 };

/** Over WebSocket: one message per chunk, its first byte the channel; v5 adds the close signal for stdin. */
export function commandOverWebSocket(
  ws: WebSocketConnection,
  protocol: string,
  opts: CommandOptions,
  start: (ch: CommandChannels) => void,
): void {
  const stdin = opts.stdin ? new PassThrough() : undefined;
  ws.onMessage((m) => {
    if (m.length === 0) return;
    if (m[0] === CHANNEL.stdin && stdin) stdin.write(m.subarray(1));
    else if (m[0] === CHANNEL.close && protocol === 'v5.channel.k8s.io' && m[1] === CHANNEL.stdin)
      stdin?.end();
  });
  ws.onClose(() => stdin?.end());
  const on = (channel: number) => (d: Buffer) => ws.send(Buffer.concat([Buffer.from([channel]), d]));
  start({
    stdin,
    stdout: opts.stdout ? on(CHANNEL.stdout) : undefined,
    stderr: opts.stderr && !opts.tty ? on(CHANNEL.stderr) : undefined,
    finish(status) {
      on(CHANNEL.error)(Buffer.from(JSON.stringify(status)));
      ws.close(1000);
    },
    onGone: (h) => ws.onClose(h),
  });
}
