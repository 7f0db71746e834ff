import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExitCode, MeshdeckError } from '../core/errors.js';
import { readSources, type ReadSourcesOptions } from './sources.js';

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-sources-'));
let server: Server;
let base: string;
const hanging: Array<() => void> = [];

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/app.yaml') {
      res.end('kind: ConfigMap\n');
    } else if (req.url === '/big') {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const write = () => {
        while (res.write(chunk)) {
          /* until the buffer is full */
        }
      };
      res.on('drain', write);
      res.on('close', () => res.off('drain', write));
      write();
    } else if (req.url === '/slow') {
      // Headers never come: the client must give up on its own.
      hanging.push(() => res.destroy());
    } else {
      res.writeHead(404, 'Not Found').end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  for (const release of hanging) release();
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function options(extra: Partial<ReadSourcesOptions> = {}): ReadSourcesOptions {
  // Generous: a loaded machine is slow to move 16 MiB; the timeout case sets its own 300 ms.
  return { timeoutMs: 30_000, stdin: async function* () {}, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<MeshdeckError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof MeshdeckError, `a MeshdeckError, not ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

describe('readSources', () => {
  it('reads files, and folders in name order (sub-folders only with recursive)', async () => {
    const app = join(dir, 'app');
    mkdirSync(join(app, 'sub'), { recursive: true });
    writeFileSync(join(app, 'b.yaml'), 'b: 1\n');
    writeFileSync(join(app, 'a.json'), '{}');
    writeFileSync(join(app, 'notes.txt'), 'ignored');
    writeFileSync(join(app, 'sub', 'c.yml'), 'c: 1\n');
    const flat = await readSources([app], options());
    assert.deepEqual(
      flat.map((s) => s.name),
      [join(app, 'a.json'), join(app, 'b.yaml')],
    );
    const deep = await readSources([app], options({ recursive: true }));
    assert.deepEqual(
      deep.map((s) => s.name),
      [join(app, 'a.json'), join(app, 'b.yaml'), join(app, 'sub', 'c.yml')],
    );
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const err = await failure(readSources([empty], options()));
    assert.equal(err.exitCode, ExitCode.USAGE);
    assert.match(err.message, /holds no \.yaml, \.yml or \.json files/);
  });

  it('refuses a 50 MB file before reading it, naming its size and the limit', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, 50 * 1000 * 1000);
    const err = await failure(readSources([big], options()));
    assert.equal(err.exitCode, ExitCode.USAGE);
    assert.equal(err.message, `${big} is 47.7 MiB; meshdeck reads design inputs of at most 16.0 MiB each`);
  });

  it('reads stdin once, within the same limit', async () => {
    const stdin = async function* () {
      yield 'a: 1\n';
      yield Buffer.from('b: 2\n');
    };
    const [s] = await readSources(['-'], options({ stdin }));
    assert.deepEqual(s, { name: 'stdin', text: 'a: 1\nb: 2\n' });
    const twice = await failure(readSources(['-', '-'], options({ stdin })));
    assert.match(twice.message, /stdin \("-"\) can be read only once/);
    const endless = async function* () {
      for (;;) yield Buffer.alloc(1024 * 1024, 'x');
    };
    const err = await failure(readSources(['-'], options({ stdin: endless })));
    assert.equal(err.exitCode, ExitCode.USAGE);
    assert.match(err.message, /^stdin is more than 16.0 MiB/);
  });

  it('fetches URLs; a 404, a refused connection and a timeout are network failures (exit 1)', async () => {
    const [s] = await readSources([`${base}/app.yaml`], options());
    assert.equal(s.text, 'kind: ConfigMap\n');
    const missing = await failure(readSources([`${base}/nope.yaml`], options()));
    assert.equal(missing.exitCode, ExitCode.FAILED);
    assert.match(missing.message, /HTTP 404 Not Found/);
    const started = Date.now();
    const slow = await failure(readSources([`${base}/slow`], options({ timeoutMs: 300 })));
    assert.equal(slow.exitCode, ExitCode.FAILED);
    assert.equal(slow.message, `fetching ${base}/slow timed out after 0.3s`);
    assert.ok(Date.now() - started < 5000);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failure(readSources([`http://127.0.0.1:${closedPort}/x.yaml`], options()));
    assert.equal(refused.exitCode, ExitCode.FAILED);
    assert.match(refused.message, /ECONNREFUSED/);
    const big = await failure(readSources([`${base}/big`], options()));
    assert.equal(big.exitCode, ExitCode.USAGE);
    assert.match(big.message, /is more than 16.0 MiB/);
    const ftp = await failure(readSources(['ftp://example.com/x.yaml'], options()));
    assert.equal(ftp.exitCode, ExitCode.USAGE);
  });

  it('names missing paths, archives and binary files as input errors', async () => {
    const missing = await failure(readSources([join(dir, 'nope.yaml')], options()));
    assert.equal(missing.exitCode, ExitCode.USAGE);
    assert.match(missing.message, /nope\.yaml: no such file or folder/);
    const tgz = join(dir, 'chart.tgz');
    writeFileSync(tgz, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]));
    assert.match((await failure(readSources([tgz], options()))).hint ?? '', /helm template/);
    const bin = join(dir, 'x.yaml');
    writeFileSync(bin, Buffer.from('a: 1\n\0\0'));
    assert.match((await failure(readSources([bin], options()))).message, /not a text file/);
  });
});
