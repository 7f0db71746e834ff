import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { writeFileAtomic } from './atomic.js';
import { withFileLock } from './lock.js';

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('withFileLock', () => {
  it('serialises read-modify-write so no update is lost', async () => {
    const file = join(dir, 'counter');
    writeFileSync(file, '0');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withFileLock(file, async () => {
          const n = Number(readFileSync(file, 'utf8'));
          await new Promise((r) => setTimeout(r, 1));
          await writeFileAtomic(file, String(n + 1));
        }),
      ),
    );
    assert.equal(readFileSync(file, 'utf8'), '20');
  });

  it('loses no update among many short-lived processes (a released lock is never taken for abandoned)', async () => {
    // Each process increments once and exits, so the pids in old lock files belong to dead processes:
    // a waiter that judged a newer lock by an older one's pid would delete a live lock.
    const file = join(dir, 'processes');
    writeFileSync(file, '0');
    const lockModule = fileURLToPath(new URL('./lock.js', import.meta.url));
    const atomicModule = fileURLToPath(new URL('./atomic.js', import.meta.url));
    const script = `
      import { readFileSync } from 'node:fs';
      import { withFileLock } from ${JSON.stringify(lockModule)};
      import { writeFileAtomic } from ${JSON.stringify(atomicModule)};
      const file = ${JSON.stringify(file)};
      await withFileLock(file, async () => {
        const n = Number(readFileSync(file, 'utf8'));
        await writeFileAtomic(file, String(n + 1));
      }, { timeoutMs: 60000 });`;
    const runs = 40;
    const codes = await Promise.all(
      Array.from(
        { length: runs },
        () =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
              stdio: 'inherit',
            });
            child.on('exit', resolve);
          }),
      ),
    );
    assert.deepEqual(codes, Array(runs).fill(0));
    assert.equal(readFileSync(file, 'utf8'), String(runs));
  });

  it('takes over a lock whose owner process is gone', async () => {
    const file = join(dir, 'stale');
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(`${file}.lock`, `${dead}\n`);
    const result = await withFileLock(file, async () => 'got it', { timeoutMs: 2000 });
    assert.equal(result, 'got it');
  });

  it('gives up with a clear error when a live process holds the lock', async () => {
    const file = join(dir, 'held');
    writeFileSync(`${file}.lock`, `${process.pid}\n`);
    await assert.rejects(
      withFileLock(file, async () => 'never', { timeoutMs: 100 }),
      (err: Error) => {
        assert.match(err.message, /held by another meshdeck process \(pid \d+\)/);
        return true;
      },
    );
  });
});

describe('writeFileAtomic', () => {
  it('writes with mode 0600 and leaves no temp files behind', async () => {
    const file = join(dir, 'sub', 'secret.json');
    await writeFileAtomic(file, '{"a":1}');
    assert.equal(readFileSync(file, 'utf8'), '{"a":1}');
    const { statSync, readdirSync } = await import('node:fs');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'sub')).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['secret.json']);
  });
});
