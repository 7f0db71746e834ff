import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { batchedLog } from './log-lines.js';

describe('batchedLog', () => {
  it('writes the lines of one turn at once, stamped, and an error at once after what is pending', async () => {
    const writes: Array<[string, string]> = [];
    const log = batchedLog(
      (text) => writes.push(['info', text]),
      (text) => writes.push(['error', text]),
    );
    log('GET /a 200 1ms');
    log('GET /b 200 2ms');
    assert.equal(writes.length, 0, 'nothing is written during the turn');
    await nextTurn();
    assert.equal(writes.length, 1);
    assert.match(writes[0][1], /^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/a 200 1ms\n\S+ GET \/b 200 2ms$/);
    log('GET /c 200 1ms');
    log('error: GET /d: boom');
    assert.deepEqual(
      writes.slice(1).map(([kind, text]) => [kind, text.replace(/^\S+ /, '')]),
      [
        ['info', 'GET /c 200 1ms'],
        ['error', 'error: GET /d: boom'],
      ],
    );
    log('provider stopping');
    log.flush();
    assert.match(writes[3][1], /provider stopping$/);
    await nextTurn();
    assert.equal(writes.length, 4, 'a flushed line is not written again');
  });
});
