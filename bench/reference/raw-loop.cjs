// bench:perf's reference contender: the smallest closed loop Node can run on raw sockets, with nothing
// measured (no clock, no histogram, no error handling). It is what a Node generator costs at the least,
// so the native engine is compared with it as well as with wrk. Responses are framed by the length of
// the first one: the target must answer every request with the same bytes but the Date header.
// Usage: node raw-loop.cjs URL CONNECTIONS SECONDS   (prints requests per second)
'use strict';
const net = require('node:net');

const [url, connections, seconds] = [
  new URL(process.argv[2]),
  Number(process.argv[3]),
  Number(process.argv[4]),
];
const request = Buffer.from(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
const readBuffer = Buffer.allocUnsafe(64 * 1024);
let responseLength = 0;
let responses = 0;

function fail(message) {
  console.error(`raw-loop: ${message}`);
  process.exit(1);
}

function open() {
  let pending = 0;
  const socket = net.connect({
    host: url.hostname,
    port: Number(url.port),
    onread: {
      buffer: readBuffer,
      callback(n, buf) {
        if (responseLength === 0) {
          const head = buf.toString('latin1', 0, n);
          if (!/^HTTP\/1\.[01] 200 /.test(head)) fail(`the target answered ${head.slice(0, 12)}, not 200`);
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          if (!length) fail('the reference loop needs responses with Content-Length');
          responseLength = head.indexOf('\r\n\r\n') + 4 + Number(length[1]);
        }
        pending += n;
        while (pending >= responseLength) {
          pending -= responseLength;
          responses++;
          socket.write(request);
        }
      },
    },
  });
  socket.setNoDelay(true);
  socket.on('connect', () => socket.write(request));
}

for (let i = 0; i < connections; i++) open();
const started = process.hrtime.bigint();
setTimeout(() => {
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(Math.round(responses / elapsed));
  process.exit(0);
}, seconds * 1000);
