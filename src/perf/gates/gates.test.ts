import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../core/errors.js';
import type { PerfResult } from '../result/model.js';
import { evaluateAgainstBaseline, evaluateGates } from './evaluate.js';
import { parseGate } from './parse.js';

function result(over: {
  p50?: number;
  p99?: number;
  qps?: number;
  errorRate?: number;
  errors?: number;
}): PerfResult {
  const stats = {
    count: 1000,
    min: 1,
    mean: 5,
    stddev: 1,
    p50: over.p50 ?? 5,
    p75: 6,
    p90: 8,
    p99: over.p99 ?? 12,
    p99_9: 20,
    p99_99: 25,
    max: 30,
  };
  return {
    actual_qps: over.qps ?? 1000,
    latency: { primary: 'corrected', corrected: stats, uncorrected: { ...stats, p99: 1 } },
    errors: { total: over.errors ?? 0, rate: over.errorRate ?? 0 },
  } as unknown as PerfResult;
}

describe('gate expressions', () => {
  it('parse into metric, comparison and value in canonical units', () => {
    assert.deepEqual(parseGate('p99<=20ms'), {
      expression: 'p99<=20ms',
      metric: 'p99',
      op: '<=',
      value: 20,
      errorsAsRate: false,
    });
    assert.equal(parseGate('p99.9 < 1.5s').value, 1500);
    assert.equal(parseGate('mean<800us').value, 0.8);
    assert.equal(parseGate('P50 = 2ms').op, '==');
    assert.deepEqual(parseGate('errors<0.1%'), {
      expression: 'errors<0.1%',
      metric: 'errors',
      op: '<',
      value: 0.001,
      errorsAsRate: true,
    });
    assert.equal(parseGate('errors==0').errorsAsRate, false);
    assert.equal(parseGate('rps>=950').value, 950);
    assert.equal(parseGate('qps > 10/s').metric, 'rps');
  });

  it('point at the character where a bad one goes wrong', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['p98<=20ms', /unknown metric "p98" at column 1/, 0],
      ['p99~20ms', /expected a comparison .* at column 4/, 3],
      ['p99<=fast', /expected a number at column 6/, 5],
      ['p99<=20', /p99 needs a time unit .* at column 8/, 7],
      ['p99<=20xs', /unknown time unit "xs" .* at column 8/, 7],
      ['rps>=950ms', /rps takes no unit/, 8],
      ['errors<1.5', /whole number/, 7],
      ['p99<=20ms and more', /unexpected "a" at column 11/, 10],
      ['', /expected a metric at column 1/, 0],
    ];
    for (const [text, message, col] of cases) {
      assert.throws(
        () => parseGate(text),
        (err: unknown) => {
          assert.ok(err instanceof UsageError);
          assert.match(err.message, message, text);
          assert.equal(err.details[0], text);
          assert.equal(err.details[1], `${' '.repeat(col)}^`, text);
          return true;
        },
      );
    }
  });
});

describe('gate verdicts', () => {
  it('check the primary (corrected) latency, the rate and errors', () => {
    const v = evaluateGates(result({ p99: 25, qps: 940, errorRate: 0.002, errors: 2 }), [
      parseGate('p99<=20ms'),
      parseGate('p50<10ms'),
      parseGate('rps>=950'),
      parseGate('errors<0.1%'),
      parseGate('errors<=2'),
    ]);
    assert.deepEqual(
      v.map((x) => [x.gate, x.passed]),
      [
        ['p99<=20ms', false],
        ['p50<10ms', true],
        ['rps>=950', false],
        ['errors<0.1%', false],
        ['errors<=2', true],
      ],
    );
    assert.equal(v[0].actual, '25.0ms');
    assert.match(v[2].reason, /rps is 940/);
  });

  it('allow a regression up to the limit against a baseline, and no more', () => {
    const base = result({ p50: 10, p99: 20, qps: 1000 });
    const ok = evaluateAgainstBaseline(result({ p50: 10.9, p99: 21.9, qps: 910 }), base, 0.1);
    assert.ok(
      ok.every((x) => x.passed),
      JSON.stringify(ok),
    );
    const bad = evaluateAgainstBaseline(result({ p50: 10.9, p99: 22.1, qps: 890 }), base, 0.1);
    assert.deepEqual(
      bad.map((x) => x.passed),
      [true, true, false, false],
    );
    assert.match(bad[2].actual, /22\.1ms \(baseline 20\.0ms, \+10\.5%\)/);
    assert.throws(() => evaluateAgainstBaseline(base, base, 0.1, ['p42']), /unknown metric "p42"/);
  });
});
