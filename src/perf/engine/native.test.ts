// The engine against real servers on loopback, in this process: exact counts through keep-alive,
// pipelining, Connection: close, chunked bodies and HEAD, and each class of error.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startEchoServer, type EchoServer } from '../serve/server.js';
import { runNativeEngine, type EngineInput } from './native.js';
import { serialiseRequest } from './request.js';

let echo: EchoServer;
before(async () => {
  echo = await startEchoServer({ host: '127.0.0.1', port: 0 });
});
after(() => echo.close());

function input(port: number, path: string, over: Partial<EngineInput> = {}, method = 'GET'): EngineInput {
  return {
    target: { tls: false, hostname: '127.0.0.1', port, insecure: false, ca: null },
    request: serialiseRequest({ method, path, host: `127.0.0.1:${port}`, headers: [], body: null }),
    headRequests: method === 'HEAD',
    connections: 4,
    pipeline: 1,
    rate: null,
    requests: 200,
    warmupMs: 0,
    durationMs: null,
    timeoutMs: 5000,
    workers: 1,
    ...over,
  };
}

/** A TCP server that does something wrong with every request. */
async function rawServer(onRequest: (socket: Socket) => void): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => onRequest(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

describe('native engine', () => {
  it('sends exactly the requests asked for, pipelined or not', async () => {
    for (const pipeline of [1, 8]) {
      const before = echo.served();
      const out = await runNativeEngine(input(echo.port, '/', { pipeline, requests: 500 }));
      assert.equal(out.tally.completed, 500, `pipeline ${pipeline}`);
      assert.equal(out.tally.sent, 500);
      assert.deepEqual(out.tally.errors, { connect: 0, timeout: 0, reset: 0, protocol: 0 });
      assert.equal(echo.served() - before, 500);
      assert.equal(out.uncorrected.count, 500);
      assert.equal(out.corrected, null);
    }
  });

  it('follows Connection: close, chunked bodies and HEAD', async () => {
    const closing = await runNativeEngine(input(echo.port, '/?close=1', { requests: 100 }));
    assert.equal(closing.tally.completed, 100);
    assert.equal(closing.tally.errors.reset, 0);
    const chunked = await runNativeEngine(
      input(echo.port, '/?chunked=1&size=3k', { requests: 100, pipeline: 2 }),
    );
    assert.equal(chunked.tally.completed, 100);
    assert.ok(chunked.tally.bytesRead > 100 * 3 * 1024);
    const head = await runNativeEngine(input(echo.port, '/?size=10k', { requests: 50 }, 'HEAD'));
    assert.equal(head.tally.completed, 50);
    assert.ok(head.tally.bytesRead < 50 * 1024, 'no bodies were expected or read');
  });

  it('sends the body, and does not measure the warm-up', async () => {
    const before = echo.served();
    const body = Buffer.from('x'.repeat(2000));
    const out = await runNativeEngine({
      ...input(echo.port, '/', { requests: 100, warmupMs: 300, connections: 2 }),
      request: serialiseRequest({
        method: 'POST',
        path: '/',
        host: 'x',
        headers: [['Content-Type', 'text/plain']],
        body,
      }),
    });
    assert.equal(out.tally.completed, 100);
    assert.equal(out.uncorrected.count, 100);
    assert.ok(echo.served() - before > 100, 'the warm-up sent requests too');
    // The echo target sends the body back: every measured response carried it.
    assert.ok(out.tally.bytesRead >= (echo.served() - before) * 2000);
  });

  it('finishes at once when some workers have nothing to send', async () => {
    for (const rate of [null, 50]) {
      const started = Date.now();
      const out = await runNativeEngine(input(echo.port, '/', { requests: 1, workers: 2, rate }));
      assert.equal(out.tally.completed, 1);
      assert.ok(Date.now() - started < 2000, `rate ${rate}: ${Date.now() - started} ms`);
    }
  });

  it('counts statuses exactly', async () => {
    const out = await runNativeEngine(
      input(echo.port, '/?status=503:10', { requests: 1000, connections: 8 }),
    );
    assert.deepEqual(out.tally.statuses, { '200': 900, '503': 100 });
  });

  it('works across two worker threads, merging what they measured', async () => {
    const out = await runNativeEngine(input(echo.port, '/', { requests: 601, workers: 2 }));
    assert.equal(out.workers, 2);
    assert.equal(out.tally.completed, 601);
    assert.equal(out.uncorrected.count, 601);
  });

  it('holds an open-loop schedule and measures from the intended send times', async () => {
    const out = await runNativeEngine(input(echo.port, '/', { requests: null, durationMs: 1000, rate: 400 }));
    assert.equal(out.tally.sent, 400);
    assert.equal(out.tally.completed, 400);
    assert.ok(out.corrected, 'open loop has corrected latencies');
    assert.equal(out.corrected.count, 400);
    assert.ok(out.corrected.percentile(50) >= out.uncorrected.percentile(50));
    // The window is the scheduled second, longer only if the last requests left late (a busy machine).
    assert.ok(out.windowMs >= 999 && out.windowMs < 1500, `window ${out.windowMs}`);
  });

  it('counts timeouts, resets and protocol errors', async () => {
    const silent = await rawServer(() => undefined);
    const timeouts = await runNativeEngine(
      input(silent.port, '/', { requests: 3, connections: 1, timeoutMs: 200 }),
    );
    assert.equal(timeouts.tally.errors.timeout, 3);
    assert.equal(timeouts.tally.completed, 0);
    assert.match(timeouts.tally.errorSamples.timeout ?? '', /no response within 200 ms/);
    silent.server.close();

    const rude = await rawServer((s) => s.destroy());
    const resets = await runNativeEngine(input(rude.port, '/', { requests: 20, connections: 2 }));
    assert.equal(resets.tally.errors.reset, 20);
    rude.server.close();

    const garbage = await rawServer((s) => s.write('SSH-2.0-nope\r\n\r\n'));
    const protocol = await runNativeEngine(input(garbage.port, '/', { requests: 5, connections: 1 }));
    assert.equal(protocol.tally.errors.protocol, 5);
    assert.match(protocol.tally.errorSamples.protocol ?? '', /not an HTTP\/1\.x response/);
    garbage.server.close();
  });

  it('stops on abort and returns what it measured', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const out = await runNativeEngine(
      input(echo.port, '/', { requests: null, durationMs: 30_000, rate: 200 }),
      {
        signal: controller.signal,
        progressMs: 100,
        onProgress: (p) => {
          if (p.completed >= 20 && abortedAt === 0) {
            abortedAt = Date.now();
            controller.abort(new Error('stop'));
          }
        },
      },
    );
    assert.ok(Date.now() - abortedAt < 1000, 'stopped at once');
    assert.equal(out.aborted, true);
    assert.ok(out.tally.completed >= 20 && out.tally.completed < 1000, String(out.tally.completed));
    assert.ok(out.windowMs < 5000);
  });

  it('gives up cleanly when aborted before the load starts', async () => {
    const early = new AbortController();
    early.abort(new Error('early'));
    await assert.rejects(
      runNativeEngine(input(echo.port, '/', { rate: 100 }), { signal: early.signal }),
      /early/,
    );
    for (const workers of [1, 2]) {
      const soon = new AbortController();
      setTimeout(() => soon.abort(new Error('during start')), 1);
      await assert.rejects(
        runNativeEngine(input(echo.port, '/', { rate: 100, requests: 100_000, workers }), {
          signal: soon.signal,
        }),
        /during start/,
      );
    }
  });

  it('fails before any load when nothing listens', async () => {
    const probe = await rawServer(() => undefined);
    const port = probe.port;
    await new Promise((r) => probe.server.close(r));
    await assert.rejects(runNativeEngine(input(port, '/')), /connection refused by 127\.0\.0\.1:\d+/);
  });
});
