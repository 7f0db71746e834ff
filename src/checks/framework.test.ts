import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runChecks, runUntilHealthy, type Category } from './framework.js';

const check = (
  id: string,
  run: () => Promise<{ outcome: 'passed' | 'failed' | 'info'; message: string }>,
  dependsOn?: string[],
) => ({
  id,
  description: id,
  hint: `fix ${id}`,
  anchor: id,
  dependsOn,
  run,
});

describe('check framework', () => {
  it('runs every check, skips only the dependants of a failure, with the reason', async () => {
    const ran: string[] = [];
    const categories: Category<null>[] = [
      {
        id: 'a',
        checks: [
          check('one', async () => (ran.push('one'), { outcome: 'failed', message: 'down' })),
          check('two', async () => (ran.push('two'), { outcome: 'passed', message: '' }), ['a/one']),
          check('three', async () => (ran.push('three'), { outcome: 'passed', message: '' })),
        ],
      },
      {
        id: 'b',
        checks: [
          check(
            'four',
            async () => {
              throw new Error('boom');
            },
            ['a/three'],
          ),
        ],
      },
    ];
    const [a, b] = await runChecks(categories, null, new AbortController().signal);
    assert.deepEqual(
      a.results.map((r) => r.outcome),
      ['failed', 'skipped', 'passed'],
    );
    assert.equal(a.results[1].message, 'skipped: a/one failed');
    assert.equal(a.results[0].docs, 'docs/checks.md#one');
    // A check that throws fails with the error's message; it does not stop the run.
    assert.equal(b.results[0].outcome, 'failed');
    assert.equal(b.results[0].message, 'boom');
    assert.deepEqual(ran.sort(), ['one', 'three']);
  });

  it('runs independent checks at the same time', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return { outcome: 'passed' as const, message: '' };
    };
    await runChecks(
      [{ id: 'x', checks: [check('p', slow), check('q', slow), check('r', slow)] }],
      null,
      new AbortController().signal,
    );
    assert.equal(most, 3);
  });

  it('--wait retries until everything passes, with a fresh context each round', async () => {
    let round = 0;
    const report = await runUntilHealthy(
      [
        {
          id: 'x',
          checks: [
            check('ready', async () => ({
              outcome: round >= 3 ? 'passed' : 'failed',
              message: `round ${round}`,
            })),
          ],
        },
      ],
      () => ++round,
      new AbortController().signal,
      { waitMs: 10_000, intervalMs: 1 },
    );
    assert.equal(report.success, true);
    assert.equal(report.attempts, 3);
    assert.equal(report.timedOut, false);
  });

  it('--wait reports a timeout when the time is up', async () => {
    let now = 0;
    const report = await runUntilHealthy(
      [{ id: 'x', checks: [check('never', async () => ({ outcome: 'failed', message: '' }))] }],
      () => null,
      new AbortController().signal,
      { waitMs: 5, intervalMs: 1, now: () => (now += 2) },
    );
    assert.equal(report.success, false);
    assert.equal(report.timedOut, true);
  });
});
