// The output parsers of the external generators. wrk2 and fortio are not Debian packages, so their
// parsers are checked against samples written here in the formats their sources print (wrk2:
// src/wrk.c print_hdr_latency and HdrHistogram's CLASSIC percentile table; fortio: the JSON result in its
// README); wrk itself also runs for real in test/e2e/perf-generators.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildResult } from '../result/build.js';
import { resolveSpec } from '../spec/options.js';
import { measuredFromFortio, parseFortioJson } from './fortio.js';
import { luaString } from './external.js';
import { measuredFromWrk, parseWrkReport } from './wrk.js';
import { measuredFromWrk2, parseWrk2Output } from './wrk2.js';

const WRK2_SAMPLE = `Running 20s test @ http://127.0.0.1:8080/
  2 threads and 16 connections
  Thread calibration: mean lat.: 1.204ms, rate sampling interval: 10ms
  Thread calibration: mean lat.: 1.198ms, rate sampling interval: 10ms
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.21ms   10.02ms  61.95ms   95.10%
    Req/Sec    52.61     40.12   111.00     61.00%
  Latency Distribution (HdrHistogram - Recorded Latency)
 50.000%    1.20ms
 75.000%    1.60ms
 90.000%    2.40ms
 99.000%   52.00ms
 99.900%   61.95ms
 99.990%   61.95ms
 99.999%   61.95ms
100.000%   61.95ms

  Detailed Percentile spectrum:
       Value   Percentile   TotalCount 1/(1-Percentile)

       0.800     0.000000            1         1.00
       1.000     0.100000          101         1.11
       1.200     0.500000          500         2.00
       1.600     0.750000          750         4.00
       2.400     0.900000          900        10.00
      20.000     0.950000          950        20.00
      52.000     0.990000          990       100.00
      61.951     1.000000         1000          inf
#[Mean    =        4.210, StdDeviation   =       10.020]
#[Max     =       61.951, Total count    =         1000]
#[Buckets =           27, SubBuckets     =         2048]
----------------------------------------------------------

  Latency Distribution (HdrHistogram - Uncorrected Latency (measured without taking delayed starts into account))
 50.000%    1.10ms
 75.000%    1.40ms
 90.000%    1.90ms
 99.000%    8.00ms
 99.900%   12.10ms
 99.990%   12.10ms
 99.999%   12.10ms
100.000%   12.10ms

  Detailed Percentile spectrum:
       Value   Percentile   TotalCount 1/(1-Percentile)

       0.700     0.000000            1         1.00
       1.100     0.500000          500         2.00
       1.900     0.900000          900        10.00
       8.000     0.990000          990       100.00
      12.103     1.000000         1000          inf
#[Mean    =        1.300, StdDeviation   =        0.900]
#[Max     =       12.103, Total count    =         1000]
#[Buckets =           27, SubBuckets     =         2048]
----------------------------------------------------------
  1000 requests in 20.00s, 121.09KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:     50.00
Transfer/sec:      6.05KB
`;

const FORTIO_SAMPLE = `{
  "RunType": "HTTP",
  "Labels": "127.0.0.1 , builder",
  "StartTime": "2026-11-20T10:00:00.000000Z",
  "RequestedQPS": "100",
  "RequestedDuration": "10s",
  "ActualQPS": 99.8,
  "ActualDuration": 10020040080,
  "NumThreads": 4,
  "Version": "1.69.0",
  "DurationHistogram": {
    "Count": 1000,
    "Min": 0.0004,
    "Max": 0.0301,
    "Sum": 1.25,
    "Avg": 0.00125,
    "StdDev": 0.0011,
    "Data": [
      { "Start": 0.0004, "End": 0.001, "Percent": 60, "Count": 600 },
      { "Start": 0.001, "End": 0.002, "Percent": 95, "Count": 350 },
      { "Start": 0.002, "End": 0.0301, "Percent": 100, "Count": 50 }
    ],
    "Percentiles": [
      { "Percentile": 50, "Value": 0.0009 },
      { "Percentile": 75, "Value": 0.0014 },
      { "Percentile": 90, "Value": 0.0018 },
      { "Percentile": 99, "Value": 0.0245 },
      { "Percentile": 99.9, "Value": 0.0295 },
      { "Percentile": 99.99, "Value": 0.0300 }
    ]
  },
  "RetCodes": { "200": 990, "503": 8, "-1": 2 },
  "Sizes": { "Count": 1000, "Min": 120, "Max": 120, "Sum": 120000, "Avg": 120, "StdDev": 0, "Data": null, "Percentiles": null }
}`;

const spec = (over: Record<string, unknown>) => resolveSpec({ url: 'http://127.0.0.1:8080/', ...over });

describe('wrk2 output', () => {
  const report = parseWrk2Output(WRK2_SAMPLE)!;

  it('reads the summary lines', () => {
    assert.equal(report.requests, 1000);
    assert.equal(report.durationMs, 20_000);
    assert.equal(report.bytes, Math.round(121.09 * 1024));
    assert.deepEqual(report.errors, { connect: 0, read: 2, write: 0, timeout: 3, status: 7 });
    assert.equal(report.threads, 2);
  });

  it('keeps the printed percentiles and rebuilds histograms from both spectra', () => {
    const c = report.corrected!;
    assert.deepEqual(
      [c.stats.p50, c.stats.p75, c.stats.p90, c.stats.p99, c.stats.p99_9],
      [1.2, 1.6, 2.4, 52, 61.95],
    );
    assert.equal(c.stats.max, 61.951);
    assert.equal(c.stats.mean, 4.21);
    assert.equal(c.histogram.count, 1000);
    // The rebuilt histogram agrees with the spectrum it came from (to its 0.1% precision).
    assert.ok(Math.abs(c.histogram.percentile(99) - 52_000) <= 52);
    assert.ok(Math.abs(c.histogram.percentile(50) - 1200) <= 2);
    const u = report.uncorrected!;
    assert.equal(u.stats.p99, 8);
    assert.equal(u.stats.min, 0.7);
    assert.ok(Math.abs(u.histogram.stddev() - 900) < 1, 'standard deviation reproduced from the footer');
  });

  it('becomes a result with corrected latency as primary and the error classes', () => {
    const r = buildResult(
      spec({ rate: 50, duration_ms: 20_000 }),
      measuredFromWrk2(report, { startTime: new Date(0), endTime: new Date(20_000), interrupted: false }),
      {
        name: 'wrk2',
      },
    );
    assert.equal(r.latency.primary, 'corrected');
    assert.equal(r.latencies_ms.p99, 52);
    assert.equal(r.actual_qps, 50);
    assert.deepEqual([r.errors.reset, r.errors.timeout, r.errors.status['>=400']], [2, 3, 7]);
    assert.equal(r.requests.ok, 993);
  });

  it('is not fooled by output without a report', () => {
    assert.equal(parseWrk2Output('unable to connect to 127.0.0.1:8080 Connection refused\n'), null);
  });
});

describe('fortio JSON', () => {
  it('keeps fortio percentiles, statuses and socket errors', () => {
    const parsed = parseFortioJson(`some log line on stdout\n${FORTIO_SAMPLE}`)!;
    const m = measuredFromFortio(parsed, false);
    const r = buildResult(spec({ rate: 100, duration_ms: 10_000, load_generator: 'fortio' }), m, {
      name: 'f',
    });
    assert.equal(r.load_generator.version, '1.69.0');
    assert.equal(r.latency.primary, 'uncorrected');
    assert.deepEqual([r.latencies_ms.p50, r.latencies_ms.p90, r.latencies_ms.p99], [0.9, 1.8, 24.5]);
    assert.equal(r.latency.uncorrected!.p99_99, 30);
    assert.equal(r.latencies_ms.max, 30.1);
    assert.deepEqual(r.status_codes, { '200': 990, '503': 8 });
    assert.equal(r.errors.reset, 2);
    assert.equal(r.errors.status['503'], 8);
    assert.equal(r.duration_ms, 10_020.04);
    assert.equal(r.histograms.uncorrected!.count, 1000);
    assert.equal(r.bytes.read, 120_000);
  });

  it('returns null for output that is not a fortio result', () => {
    assert.equal(parseFortioJson('Aborting because of lookup 127.0.0.x: no such host'), null);
    assert.equal(parseFortioJson('{"hello": 1}'), null);
  });
});

describe('wrk done() report', () => {
  it('reads the JSON line our Lua script prints', () => {
    const stdout = `Running 2s test @ http://x/\n...\nRequests/sec: 100\n\nMESHDECK_WRK {"duration_us":2000000,"requests":200,"bytes":24000,"connect":1,"read":0,"write":2,"status":4,"timeout":0,"min":310,"max":9200,"mean":850.500,"stdev":120.250,"percentiles":{"50":800,"75":900,"90":1000,"99":4000,"99.9":9000,"99.99":9200}}\n`;
    const report = parseWrkReport(stdout)!;
    const r = buildResult(
      spec({ duration_ms: 2000, load_generator: 'wrk' }),
      measuredFromWrk(report, {
        version: '4.1.0',
        threads: 2,
        startTime: new Date(0),
        endTime: new Date(2000),
        interrupted: false,
      }),
      {
        name: 'w',
      },
    );
    assert.deepEqual([r.latencies_ms.p50, r.latencies_ms.p99, r.latency.uncorrected!.p99_9], [0.8, 4, 9]);
    assert.equal(r.actual_qps, 100);
    assert.deepEqual([r.errors.connect, r.errors.reset, r.errors.status['>=400']], [1, 2, 4]);
    assert.equal(r.requests.ok, 196);
    assert.equal(parseWrkReport('no report here'), null);
  });

  it('writes any bytes as a Lua string literal', () => {
    assert.equal(luaString('a"b\\c\n'), '"a\\034b\\092c\\010"');
    assert.equal(luaString('é'), '"\\195\\169"');
  });
});
