import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  logTail,
  processAlive,
  readStateFile,
  spawnDetached,
  stopProcess,
  type StartFailure,
} from './service.js';

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-local-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface State {
  pid: number;
  note: string;
}
const valid = (s: State) => typeof s.pid === 'number';

// A service that logs a line, writes its state file once "ready" and runs until it is signalled.
const serviceScript = (stateFile: string) =>
  `console.log('starting'); require('fs').writeFileSync(${JSON.stringify(stateFile)}, ` +
  `JSON.stringify({ pid: process.pid, note: 'ready' })); setInterval(() => {}, 1000);`;

const failure = (why: StartFailure, tail: string[]) => new Error(`${why.kind}: ${tail.join('|')}`);

describe('spawnDetached', () => {
  it('waits for the state file of the spawned process, and stopProcess ends it', async () => {
    const stateFile = join(dir, 'a.json');
    const state = await spawnDetached<State>({
      args: ['-e', serviceScript(stateFile)],
      env: process.env,
      logFile: join(dir, 'a.log'),
      log: 'truncate',
      timeoutMs: 20_000,
      ready: async (pid) => {
        const s = await readStateFile<State>(stateFile, valid);
        return s?.pid === pid ? s : undefined;
      },
      failure,
    });
    assert.equal(state.note, 'ready');
    assert.equal(processAlive(state.pid), true);
    assert.deepEqual(logTail(join(dir, 'a.log')), ['starting']);
    assert.equal(await stopProcess(state.pid, { graceMs: 10_000, force: true }), true);
    assert.equal(processAlive(state.pid), false);
    assert.equal(await stopProcess(state.pid, { graceMs: 100 }), false);
  });

  it('fails with the exit and the log tail when the process exits before it is ready', async () => {
    await assert.rejects(
      spawnDetached({
        args: ['-e', 'console.error("no port for you"); process.exit(3)'],
        env: process.env,
        logFile: join(dir, 'b.log'),
        log: 'append',
        timeoutMs: 20_000,
        ready: async () => undefined,
        failure,
      }),
      { message: 'exited: no port for you' },
    );
  });
});

describe('readStateFile', () => {
  it('is undefined for a missing, partial or foreign file', async () => {
    const file = join(dir, 'c.json');
    assert.equal(await readStateFile<State>(file, valid), undefined);
    writeFileSync(file, '{"pid": 1');
    assert.equal(await readStateFile<State>(file, valid), undefined);
    writeFileSync(file, '{"pid": "x"}');
    assert.equal(await readStateFile<State>(file, valid), undefined);
    writeFileSync(file, '{"pid": 7, "note": "n"}');
    assert.deepEqual(await readStateFile<State>(file, valid), { pid: 7, note: 'n' });
  });
});
