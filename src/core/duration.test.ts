import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExitCode, MeshdeckError } from './errors.js';
import { MAX_DURATION_MS, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads kubectl-style durations', () => {
    assert.equal(parseDuration('500ms', '--timeout'), 500);
    assert.equal(parseDuration('30s', '--timeout'), 30_000);
    assert.equal(parseDuration('1h30m', '--timeout'), 5_400_000);
    assert.equal(parseDuration('1.5s', '--timeout'), 1500);
    assert.equal(parseDuration('0s', '--timeout'), 0);
  });

  it('refuses numbers without a unit and anything else, naming the flag', () => {
    for (const bad of ['30', '', '5 m', 'soon', '1d', '-1s']) {
      assert.throws(
        () => parseDuration(bad, '--timeout'),
        (err: unknown) =>
          err instanceof MeshdeckError &&
          err.exitCode === ExitCode.USAGE &&
          err.message.startsWith('invalid --timeout'),
        bad,
      );
    }
  });

  it('refuses a duration longer than a timer can wait (2^31 ms and more would fire at once)', () => {
    assert.equal(parseDuration('2147483647ms'), MAX_DURATION_MS);
    assert.equal(parseDuration('596h'), 596 * 3_600_000);
    for (const tooLong of ['2147483648ms', '597h', '596h31m24s', '1000000h']) {
      assert.throws(
        () => parseDuration(tooLong, '--duration'),
        (err: unknown) =>
          err instanceof MeshdeckError &&
          err.exitCode === ExitCode.USAGE &&
          /^invalid --duration ".*": longer than 596h31m23\.647s/.test(err.message),
        tooLong,
      );
    }
  });
});
