import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExitCode, MeshdeckError } from '../../core/errors.js';
import { checkConnectionLimits, machineLimits } from './limits.js';

const usage = (pattern: RegExp) => (err: unknown) =>
  err instanceof MeshdeckError && err.exitCode === ExitCode.USAGE && pattern.test(err.message);

describe('checkConnectionLimits', () => {
  const roomy = { openFiles: { soft: 1_000_000, hard: 1_000_000 }, portRange: { low: 1024, high: 65535 } };

  it('accepts what fits, keeping descriptors for meshdeck itself', () => {
    checkConnectionLimits(960, { ...roomy, openFiles: { soft: 1024, hard: 4096 } });
    checkConnectionLimits(64_512, roomy);
  });

  it('refuses more connections than open files, saying how far ulimit -n can go', () => {
    assert.throws(
      () => checkConnectionLimits(1000, { ...roomy, openFiles: { soft: 1024, hard: 4096 } }),
      usage(/needs more open files than this process may have \(1024, RLIMIT_NOFILE\)/),
    );
    assert.throws(
      () => checkConnectionLimits(10_000, { ...roomy, openFiles: { soft: 1024, hard: 4096 } }),
      (err: MeshdeckError) => /raise the hard limit \(4096\)/.test(err.hint ?? ''),
    );
  });

  it('refuses more connections than ephemeral ports', () => {
    assert.throws(
      () => checkConnectionLimits(30_000, { ...roomy, portRange: { low: 32768, high: 60999 } }),
      usage(/ephemeral port range 32768-60999 holds \(28232\)/),
    );
  });

  it("reads this machine's limits from /proc", () => {
    const limits = machineLimits();
    assert.ok(limits.openFiles && limits.openFiles.soft > 0);
    assert.ok(limits.portRange && limits.portRange.high >= limits.portRange.low);
  });
});
