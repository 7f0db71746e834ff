import { UsageError } from '../../core/errors.js';
import { startEchoServer } from '../../perf/serve/server.js';
import { parseCount } from '../../perf/spec/quantity.js';
import type { Invocation } from '../shared/invocation.js';
import { untilAborted } from '../../core/abort.js';

interface Options {
  port: number;
  host: string;
}

export function complete(_inv: Invocation, flags: { port: string; host: string }): Options {
  return { port: parseCount(flags.port, '--port', 0), host: flags.host };
}

export function validate({ port }: Options): void {
  if (port > 65535)
    throw new UsageError(`invalid --port ${port}: at most 65535`, { hint: '0 picks a free port' });
}

export async function run(inv: Invocation, { port, host }: Options): Promise<void> {
  const server = await startEchoServer({ host, port });
  // The URL is the data (a script can read it); the rest is for people.
  inv.out.write(`${server.url}\n`);
  inv.log.info(
    `echo target listening on ${server.host}:${server.port}; Ctrl-C to stop. Try ${server.url}?delay=5ms&status=503:10&size=1k`,
  );
  await untilAborted(inv.signal);
  await server.close();
  inv.log.info(`stopped after ${server.served()} requests`);
}
