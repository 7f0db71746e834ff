// The built-in provider's own process (`meshdeck provider serve --builtin`, started by meshdeck): serves
// until it has been idle for a while, its state file is taken over, or it is told to stop.
import { rm } from 'node:fs/promises';
import { OperationError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { withFileLock } from '../../core/fs/lock.js';
import type { Env } from '../../core/paths.js';
import { VERSION } from '../../core/version.js';
import { startProviderServer } from '../server/index.js';
import { BUILTIN_TOKEN_ENV, readState, type BuiltinPaths, type BuiltinState } from './daemon.js';

const CHECK_EVERY_MS = 2000;

export async function runBuiltinProvider(
  paths: BuiltinPaths,
  env: Env,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<void> {
  const token = env[BUILTIN_TOKEN_ENV];
  if (!token) {
    throw new OperationError(`--builtin is started by meshdeck itself (${BUILTIN_TOKEN_ENV} is not set)`, {
      hint: 'run any command on a context with the built-in provider instead, e.g. meshdeck sync',
    });
  }
  delete process.env[BUILTIN_TOKEN_ENV];
  const idleMs = Number(env.MESHDECK_BUILTIN_IDLE_SECONDS ?? 1800) * 1000;

  // Held for the whole life of the server: PGlite must never be opened by two processes.
  await withFileLock(
    paths.dataDir,
    async () => {
      let lastRequest = Date.now();
      const server = await startProviderServer({
        dataDir: paths.dataDir,
        host: '127.0.0.1',
        port: 0,
        local: { token },
        log: (line) => {
          lastRequest = Date.now();
          log(line);
        },
      });
      const state: BuiltinState = {
        pid: process.pid,
        url: server.url,
        token,
        version: VERSION,
        startedAt: new Date().toISOString(),
      };
      await writeFileAtomic(paths.stateFile, JSON.stringify(state), { mode: 0o600, dirMode: 0o700 });
      log(`built-in provider listening on ${server.url} (pid ${process.pid})`);

      let timer: NodeJS.Timeout | undefined;
      const reason = await new Promise<string>((resolve) => {
        timer = setInterval(() => {
          void readState(paths).then((current) => {
            if (current?.pid !== process.pid) resolve('its state file was removed or taken over');
            else if (Date.now() - lastRequest > idleMs) resolve(`idle for ${Math.round(idleMs / 1000)} s`);
          });
        }, CHECK_EVERY_MS);
        if (signal.aborted) resolve('told to stop');
        signal.addEventListener('abort', () => resolve('told to stop'), { once: true });
      });
      clearInterval(timer);
      log(`built-in provider stopping: ${reason}`);
      const current = await readState(paths);
      if (current?.pid === process.pid) await rm(paths.stateFile, { force: true });
      await server.stop();
    },
    { timeoutMs: 5000, staleMs: Number.MAX_SAFE_INTEGER },
  );
}
