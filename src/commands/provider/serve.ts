import { join } from 'node:path';
import { OperationError, UsageError, errnoCode } from '../../core/errors.js';
import { builtinPaths } from '../../provider/builtin/daemon.js';
import { runBuiltinProvider } from '../../provider/builtin/serve.js';
import { startProviderServer } from '../../provider/server/index.js';
import { ApiError } from '../../provider/server/http/errors.js';
import { batchedLog } from '../../provider/server/log-lines.js';
import type { Invocation } from '../shared/invocation.js';
import { untilAborted } from '../../core/abort.js';

/** The flags as commander gives them. */
interface ServeFlags {
  dataDir?: string;
  databaseUrl?: string;
  host: string;
  port: string;
  publicUrl?: string;
  initAdmin?: string;
  maxBodySize: string;
  accessTokenTtl: string;
  deviceInterval: string;
  authRateLimit: string;
  quotaDocuments: string;
  quotaBytes: string;
  apiTokenMaxDays: string;
  builtin?: true;
}

interface Options {
  builtin: boolean;
  dataDir?: string;
  databaseUrl?: string;
  host: string;
  port: number;
  publicUrl?: string;
  initAdmin?: { username: string; password?: string };
  maxBodyBytes: number;
  accessTokenTtlSeconds: number;
  deviceIntervalSeconds: number;
  authRateLimit: number;
  quota: { documents: number; bytes: number };
  apiTokenMaxDays: number;
}

export function complete(inv: Invocation, flags: ServeFlags): Options {
  return {
    builtin: flags.builtin === true,
    dataDir: flags.dataDir,
    databaseUrl: flags.databaseUrl,
    host: flags.host,
    port: int(flags.port, '--port', 0, 65535),
    publicUrl: flags.publicUrl,
    initAdmin: flags.initAdmin
      ? { username: flags.initAdmin, password: inv.env.MESHDECK_PROVIDER_ADMIN_PASSWORD }
      : undefined,
    maxBodyBytes: int(flags.maxBodySize, '--max-body-size', 1024),
    accessTokenTtlSeconds: int(flags.accessTokenTtl, '--access-token-ttl', 1),
    deviceIntervalSeconds: int(flags.deviceInterval, '--device-interval', 1),
    authRateLimit: int(flags.authRateLimit, '--auth-rate-limit', 1),
    quota: {
      documents: int(flags.quotaDocuments, '--quota-documents', 1),
      bytes: int(flags.quotaBytes, '--quota-bytes', 1024),
    },
    apiTokenMaxDays: int(flags.apiTokenMaxDays, '--api-token-max-days', 1, 3650),
  };
}

export function validate(o: Options): void {
  if (o.builtin) return;
  if (o.dataDir && o.databaseUrl) throw new UsageError('give --data-dir or --database-url, not both');
  if (o.initAdmin && !o.initAdmin.password) {
    throw new UsageError(
      `--init-admin ${o.initAdmin.username} needs the password in MESHDECK_PROVIDER_ADMIN_PASSWORD`,
      {
        hint: 'set it in the environment (not on the command line, where other users can see it)',
      },
    );
  }
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  // Request lines are progress (--quiet hides them); errors are always shown.
  const log = batchedLog(
    (text) => inv.log.info(text),
    (text) => inv.log.write(text),
  );
  try {
    await serve(inv, opts, log);
  } finally {
    log.flush();
  }
}

async function serve(inv: Invocation, opts: Options, log: (line: string) => void): Promise<void> {
  if (opts.builtin) {
    await runBuiltinProvider(builtinPaths(inv.paths.stateDir), inv.env, inv.signal, log);
    return;
  }
  const server = await startProviderServer({
    dataDir: opts.databaseUrl ? undefined : (opts.dataDir ?? join(inv.paths.stateDir, 'provider-server')),
    databaseUrl: opts.databaseUrl,
    host: opts.host,
    port: opts.port,
    publicUrl: opts.publicUrl,
    initAdmin:
      opts.initAdmin?.password !== undefined
        ? { username: opts.initAdmin.username, password: opts.initAdmin.password }
        : undefined,
    maxBodyBytes: opts.maxBodyBytes,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds,
    deviceIntervalSeconds: opts.deviceIntervalSeconds,
    authRateLimit: { burst: opts.authRateLimit, perMinute: opts.authRateLimit },
    quota: opts.quota,
    apiTokenMaxDays: opts.apiTokenMaxDays,
    log,
  }).catch((err: unknown) => {
    throw startFailure(err, opts);
  });
  if (server.adminCreated) log(`created the first admin "${opts.initAdmin?.username}"`);
  log(`provider listening on ${server.url} (storage: ${server.database})`);
  inv.out.write(`${server.url}\n`);
  await untilAborted(inv.signal);
  log('provider stopping');
  await server.stop();
}

function int(raw: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${flag} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, not "${raw}"`,
    );
  }
  return n;
}

/** Why the provider could not start, said for an operator. */
function startFailure(err: unknown, opts: Options): Error {
  const code = errnoCode(err);
  if (code === 'EADDRINUSE') {
    return new OperationError(`cannot listen on ${opts.host}:${opts.port}: the port is in use`, {
      hint: 'stop what uses it, or pick another port with --port (0 for any free one)',
    });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new OperationError(`cannot listen on ${opts.host}:${opts.port} (${code})`, {
      hint: 'check --host and --port (ports below 1024 need privileges)',
    });
  }
  if (err instanceof UsageError || err instanceof OperationError) return err;
  // The first admin was refused (a weak password, a bad name): the operator's input.
  if (err instanceof ApiError) return new UsageError(`--init-admin: ${err.message}`);
  const message = (err as Error).message;
  if (opts.databaseUrl) {
    return new OperationError(message, {
      hint: 'check --database-url and that PostgreSQL is up and reachable',
    });
  }
  return new OperationError(`cannot open the provider's database: ${message}`, {
    hint: 'check --data-dir (it must be writable, and not used by another provider process)',
  });
}
