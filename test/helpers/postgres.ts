// A private PostgreSQL for one test file or benchmark: initdb in a temp folder, postgres on a free
// loopback port, stopped and deleted afterwards. Needs only the Debian `postgresql` package (no service
// is started or configured). As root, it runs as the `postgres` user (postgres refuses to run as root).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresInstance {
  port: number;
  /** A connection URL for a database of this instance. */
  url(database?: string): string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server but keeps its data (for "database down" tests); start() brings it back. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  const found = spawnSync('sh', ['-c', 'command -v postgres'], { encoding: 'utf8' }).stdout.trim();
  if (found) return join(found, '..');
  throw new Error('PostgreSQL is not installed: apt-get install postgresql (see scripts/ci-packages.txt)');
}

/** Who runs postgres: ourselves, or the postgres (else nobody) user when we are root. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  const line = passwd.find((l) => l.startsWith('postgres:')) ?? passwd.find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = (line ?? 'nobody:x:65534:65534').split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const USER = 'meshdeck';
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startPostgres(): Promise<PostgresInstance> {
  const bin = binDir();
  const who = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-pg-'));
  if (who.uid !== undefined) chownSync(dir, who.uid, who.gid!);
  const data = join(dir, 'data');
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C'],
    { cwd: dir, ...who, encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);

  let port = 0;
  let child: ChildProcess | undefined;
  const launch = async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      port = port || (await freePort());
      child = spawn(
        join(bin, 'postgres'),
        [
          '-D',
          data,
          '-p',
          String(port),
          '-k',
          dir,
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'max_connections=200',
        ],
        { cwd: dir, ...who, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      running.add(child);
      let log = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      const ready = await Promise.race([waitReady(port), exited.then(() => false)]);
      if (ready) return;
      running.delete(child);
      if (!/could not bind|Address already in use/.test(log))
        throw new Error(`postgres did not start: ${log}`);
      port = 0; // somebody took the port between our check and postgres: pick another
    }
    throw new Error('postgres did not start: no free port');
  };
  await launch();

  const stopServer = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGINT'); // fast shutdown
    await exited;
    running.delete(c);
  };
  const url = (database = 'postgres') => `postgres://${USER}@127.0.0.1:${port}/${database}`;
  let counter = 0;
  return {
    get port() {
      return port;
    },
    url,
    async createDatabase(name = `t${process.pid}_${++counter}_${Date.now() % 100000}`) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    pause: stopServer,
    resume: launch,
    async stop() {
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(port: number): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const client = new pg.Client({
      connectionString: `postgres://${USER}@127.0.0.1:${port}/postgres`,
      connectionTimeoutMillis: 1000,
    });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}
