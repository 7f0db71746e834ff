// port-forward as the kubelet serves it: over SPDY (kubectl; tunnelled in a WebSocket by kubectl 1.31+)
// each forwarded connection is a pair of client streams with the same requestID, "error" and "data",
// and the data stream is joined to a TCP connection to the pod's port; over the plain WebSocket protocol
// (the Python client) each port in ?ports= gets a data and an error channel, whose first message is the
// port. A refused connection is reported on the error stream in the kubelet's words.
import { connect, type Socket } from 'node:net';
import type { PortForwardTarget } from '../../kubelet/streaming.js';
import type { SpdyStream } from './spdy.js';
import type { WebSocketConnection } from './websocket.js';

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

function failure(target: PortForwardTarget, port: number, err: Error): string {
  return `error forwarding port ${port} to pod ${target.uid}, uid : failed to connect to ${target.address}:${port} inside the pod's network: ${err.message}`;
}

export function portForwardOverSpdy(target: PortForwardTarget): (stream: SpdyStream) => void {
  const pairs = new Map<string, Pair>();
  return (stream) => {
    const type = stream.headers.get('streamtype');
    const port = Number(stream.headers.get('port'));
    const id = stream.headers.get('requestid') ?? stream.headers.get('port') ?? '';
    if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port < 1 || port > 65535) {
      stream.reset();
      return;
    }
    const pair = pairs.get(id) ?? {};
    pairs.set(id, pair);
    if (pair[type]) return stream.reset();
    pair[type] = stream;
    stream.once('close', () => pairs.delete(id));
    if (type === 'error') stream.resume(); // the client writes nothing there
    if (pair.error && pair.data) forward(target, port, pair.data, pair.error);
  };
}

function forward(target: PortForwardTarget, port: number, data: SpdyStream, error: SpdyStream): void {
  const socket: Socket = connect({ host: target.address, port });
  let connected = false;
  socket.once('connect', () => {
    connected = true;
    data.pipe(socket);
    socket.pipe(data);
  });
  socket.on('error', (err) => {
    if (!connected) {
      error.end(Buffer.from(failure(target, port, err)));
      data.end();
      return;
    }
    data.end();
  });
  socket.once('close', () => {
    if (connected) error.end();
  });
  // The client closed its side, or gave up on the stream.
  data.once('close', () => socket.destroy());
  data.once('error', () => socket.destroy());
}

/** The plain WebSocket protocol: channels 2i (data) and 2i+1 (error) for the i-th of ?ports=. */
export function portForwardOverWebSocket(
  ws: WebSocketConnection,
  target: PortForwardTarget,
  ports: number[],
): void {
  const sockets: Socket[] = [];
  const send = (channel: number, data: Buffer) => ws.send(Buffer.concat([Buffer.from([channel]), data]));
  const portBytes = (port: number) => Buffer.from([port & 0xff, port >> 8]);
  let open = ports.length;
  const closed = () => {
    if (--open === 0) ws.close(1000);
  };
  ports.forEach((port, i) => {
    send(2 * i, portBytes(port));
    send(2 * i + 1, portBytes(port));
    const socket = connect({ host: target.address, port });
    sockets.push(socket);
    let connected = false;
    socket.once('connect', () => (connected = true));
    socket.on('data', (d: Buffer) => send(2 * i, d));
    socket.on('error', (err) => {
      if (!connected) send(2 * i + 1, Buffer.from(failure(target, port, err)));
    });
    socket.once('close', closed);
  });
  ws.onMessage((m) => {
    const channel = m[0];
    if (channel === undefined || channel % 2 === 1) return;
    sockets[channel / 2]?.write(m.subarray(1));
  });
  ws.onClose(() => {
    for (const s of sockets) s.destroy();
  });
}
