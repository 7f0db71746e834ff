import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../core/errors.js';
import { formatDuration, parseDuration } from '../../core/duration.js';
import { parseCount, parseRate, parseSize } from './quantity.js';
import { parseTargetUrl } from './url.js';

function usageError(fn: () => unknown, message: RegExp, caretColumn?: number): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof UsageError, String(err));
    assert.match(err.message, message);
    if (caretColumn !== undefined)
      assert.equal(err.details[1], `${' '.repeat(caretColumn)}^`, err.details.join('\n'));
    return true;
  });
}

describe('durations', () => {
  it('reads Go-style durations, compound ones included', () => {
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('250us'), 0.25);
    assert.equal(parseDuration(' 2s '), 2000);
    assert.equal(parseDuration('0'), 0);
  });

  it('names the bad character', () => {
    usageError(
      () => parseDuration('1x30s', '--duration'),
      /invalid --duration "1x30s": unknown unit "x" at column 2/,
      1,
    );
    usageError(() => parseDuration('30', '--duration'), /missing unit at column 3/, 2);
    usageError(() => parseDuration('s', '--duration'), /expected a number at column 1/, 0);
    usageError(() => parseDuration('1..5s', '--duration'), /bad number/);
  });

  it('prints them back in the same syntax', () => {
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(3_600_000), '1h');
    assert.equal(parseDuration(formatDuration(5_432_100)), 5_432_100);
  });
});

describe('rates, counts and sizes', () => {
  it('reads a rate or "max"', () => {
    assert.equal(parseRate('500'), 500);
    assert.equal(parseRate('2.5k'), 2500);
    assert.equal(parseRate('MAX'), null);
    usageError(() => parseRate('fast', '--rate'), /invalid --rate "fast"/, 0);
    usageError(() => parseRate('0'), /above 0/);
    usageError(() => parseRate('10/s'), /at column 3/, 2);
  });

  it('reads counts and sizes', () => {
    assert.equal(parseCount('64', '--connections'), 64);
    assert.equal(parseCount('0', '--port', 0), 0);
    usageError(() => parseCount('0', '--connections'), /at least 1/);
    usageError(() => parseCount('1.5', '--connections'), /whole number/);
    assert.equal(parseSize('1k'), 1024);
    assert.equal(parseSize('2m'), 2 * 1024 * 1024);
    assert.equal(parseSize('512'), 512);
    usageError(() => parseSize('1q'), /unknown unit "q"/);
  });
});

describe('target URLs', () => {
  it('splits what the engine needs', () => {
    const u = parseTargetUrl('http://localhost:8080/api/orders?limit=5');
    assert.deepEqual(
      { tls: u.tls, hostname: u.hostname, port: u.port, path: u.path, host: u.host },
      { tls: false, hostname: 'localhost', port: 8080, path: '/api/orders?limit=5', host: 'localhost:8080' },
    );
    const s = parseTargetUrl('https://example.com');
    assert.equal(s.port, 443);
    assert.equal(s.path, '/');
    assert.equal(s.host, 'example.com');
    assert.equal(parseTargetUrl('http://[::1]:9000/').hostname, '[::1]');
  });

  it('names what is wrong with a bad one', () => {
    usageError(() => parseTargetUrl('localhost:8080'), /missing http:\/\/ or https:\/\//);
    usageError(() => parseTargetUrl('ftp://files.example.com/'), /unsupported scheme "ftp" at column 1/, 0);
    usageError(() => parseTargetUrl('http://exa mple.com/'), /not a valid URL at column 11/, 10);
    usageError(() => parseTargetUrl('http://host:99999/'), /not a valid URL/);
    usageError(() => parseTargetUrl('http://user:pw@host/'), /credentials/);
  });
});
