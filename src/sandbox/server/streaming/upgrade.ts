// pods/exec, pods/attach and pods/portforward: the connection upgrade and the protocol the client and
// the sandbox agree on, as kube-apiserver (proxying to the kubelet) negotiates them.
// - SPDY/3.1 (`Upgrade: SPDY/3.1`, `X-Stream-Protocol-Version` offers): kubectl before 1.30 for exec,
//   attach and cp, before 1.31 for port-forward, and the fallback of every later one.
// - WebSocket with v5/v4.channel.k8s.io: exec and attach of kubectl 1.30+ and the Python client.
// - WebSocket with SPDY/3.1+portforward.k8s.io: port-forward of kubectl 1.31+, SPDY tunnelled in binary
//   messages.
// Everything that can fail is checked before the 101, so a failure is an HTTP answer with a Status
// (kubectl prints "error: unable to upgrade connection: <message>").
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Errors, StatusError } from '../../base/status.js';
import type { K8sObject } from '../../base/types.js';
import type { PodStreaming, StreamingKind } from '../../kubelet/streaming.js';
import {
  COMMAND_PROTOCOLS,
  commandOverSpdy,
  commandOverWebSocket,
  runAttach,
  runExec,
  type CommandChannels,
  type CommandOptions,
} from './remotecommand.js';
import { portForwardOverSpdy, portForwardOverWebSocket } from './portforward.js';
import { SpdySession, type ByteTransport, type SpdyStream } from './spdy.js';
import {
  acceptWebSocket,
  isWebSocketUpgrade,
  offeredProtocols,
  type WebSocketConnection,
} from './websocket.js';

export const STREAMING_SUBRESOURCES: readonly string[] = ['exec', 'attach', 'portforward'];

const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const TUNNEL_PREFIX = 'SPDY/3.1+';
/** The plain WebSocket port-forward protocols (channel per port). */
const WS_PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'channel.k8s.io', 'portforward.k8s.io'];

/** Go's strconv.ParseBool for true. */
function isTrue(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

/** What the client asked for, checked as the apiserver checks PodExecOptions and PodAttachOptions. */
function commandOptions(kind: StreamingKind, q: URLSearchParams): CommandOptions & { command: string[] } {
  const opts = {
    stdin: isTrue(q.get('stdin')),
    stdout: isTrue(q.get('stdout')),
    stderr: isTrue(q.get('stderr')),
    tty: isTrue(q.get('tty')),
    command: q.getAll('command'),
  };
  if (kind === 'exec' && opts.command.length === 0)
    throw Errors.badRequest('you must specify at least 1 command');
  if (!opts.stdin && !opts.stdout && !opts.stderr)
    throw Errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (opts.tty && opts.stderr) opts.stderr = false; // a terminal has one output
  return opts;
}

/** Header values, repeated or comma-joined (Node joins repeated unknown headers with ", "). */
function headerList(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name];
  return (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

function spdyProtocol(req: IncomingMessage, supported: string[]): string {
  const offered = headerList(req, 'x-stream-protocol-version');
  const chosen = offered.find((p) => supported.includes(p));
  if (!chosen)
    throw new StatusError(
      403,
      'Forbidden',
      `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${supported.join(' ')}]`,
    );
  return chosen;
}

function acceptSpdy(
  socket: Duplex,
  head: Buffer,
  protocol: string,
  onStream: (s: SpdyStream) => void,
): SpdySession {
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Connection: Upgrade',
      'Upgrade: SPDY/3.1',
      `X-Stream-Protocol-Version: ${protocol}`,
      '',
      '',
    ].join('\r\n'),
  );
  const transport: ByteTransport = { write: (d) => void socket.write(d), end: () => socket.end() };
  let handler: (s: SpdyStream) => void = () => undefined;
  const session = new SpdySession(transport, (s) => handler(s));
  handler = onStream;
  socket.on('data', (c: Buffer) => session.receive(c));
  socket.on('close', () => session.close());
  socket.on('error', () => session.close());
  if (head.length) session.receive(head);
  return session;
}

/** A SPDY session whose bytes travel in the binary messages of a WebSocket (client-go's tunnel). */
function spdyOverWebSocket(ws: WebSocketConnection, onStream: (s: SpdyStream) => void): SpdySession {
  const session = new SpdySession({ write: (d) => ws.send(d), end: () => ws.close(1000) }, onStream);
  ws.onMessage((m) => session.receive(m));
  ws.onClose(() => session.close());
  return session;
}

export interface StreamingRequest {
  kind: StreamingKind;
  pod: K8sObject;
  query: URLSearchParams;
}

/**
 * Serves an upgrade request for one of the streaming subresources; throws a StatusError (before anything
 * is written) when it cannot be served.
 */
export function serveStreaming(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  r: StreamingRequest,
  pods: PodStreaming,
): void {
  const ws = isWebSocketUpgrade(req);
  if (!ws && (req.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1')
    throw Errors.badRequest(`unsupported upgrade: ${String(req.headers.upgrade ?? '')}`);
  if (r.kind === 'portforward') return servePortForward({ req, socket, head, ws }, r, pods);
  const opts = commandOptions(r.kind, r.query);
  const container = r.query.get('container') ?? undefined;
  if (r.kind === 'attach' && opts.stdin)
    throw Errors.badRequest(
      'the sandbox does not support stdin for attach: container processes run without stdin (use exec -i)',
    );
  const start: (ch: CommandChannels) => void =
    r.kind === 'exec'
      ? (
          (target) => (ch) =>
            runExec(target, opts.command, opts.tty, ch)
        )(pods.exec(r.pod, container))
      : (
          (target) => (ch) =>
            runAttach(target, ch)
        )(pods.attach(r.pod, container));
  if (ws) {
    const protocol = offeredProtocols(req).find((p) => COMMAND_PROTOCOLS.includes(p));
    if (!protocol)
      throw Errors.badRequest(
        `unable to upgrade: the sandbox supports the WebSocket protocols ${COMMAND_PROTOCOLS.join(', ')}`,
      );
    commandOverWebSocket(acceptWebSocket(req, socket, head, protocol), protocol, opts, start);
    return;
  }
  const protocol = spdyProtocol(req, COMMAND_PROTOCOLS);
  let onStream: (s: SpdyStream) => void = () => undefined;
  const session = acceptSpdy(socket, head, protocol, (s) => onStream(s));
  onStream = commandOverSpdy(session, opts, start);
}

function servePortForward(
  up: { req: IncomingMessage; socket: Duplex; head: Buffer; ws: boolean },
  r: StreamingRequest,
  pods: PodStreaming,
): void {
  const { req, socket, head } = up;
  const target = pods.portForward(r.pod);
  if (!up.ws) {
    const protocol = spdyProtocol(req, [PORT_FORWARD_PROTOCOL]);
    acceptSpdy(socket, head, protocol, portForwardOverSpdy(target));
    return;
  }
  const offered = offeredProtocols(req);
  const tunnel = `${TUNNEL_PREFIX}${PORT_FORWARD_PROTOCOL}`;
  if (offered.includes(tunnel)) {
    spdyOverWebSocket(acceptWebSocket(req, socket, head, tunnel), portForwardOverSpdy(target));
    return;
  }
  const ports = r.query
    .getAll('ports')
    .flatMap((p) => p.split(','))
    .map((p) => Number(p.trim()));
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535))
    throw Errors.badRequest('query parameter "ports" is required: the ports to forward, e.g. ?ports=8080');
  const protocol = offered.find((p) => WS_PORT_FORWARD_PROTOCOLS.includes(p));
  portForwardOverWebSocket(acceptWebSocket(req, socket, head, protocol), target, ports);
}

/** An HTTP answer with a Status on a connection that was not upgraded. */
export function rejectUpgrade(socket: Duplex, err: StatusError): void {
  const body = JSON.stringify(err.body());
  const reason =
    { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[err.code] ?? 'Error';
  socket.end(
    [
      `HTTP/1.1 ${err.code} ${reason}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Cache-Control: no-cache, private',
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
