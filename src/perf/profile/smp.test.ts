import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { toYaml } from '../../core/output/yaml-text.js';
import { createProfile } from './profile.js';
import { toSmpConfig } from './smp-export.js';
import { parseSmpConfig } from './smp-import.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../fixtures/smp/${name}`, import.meta.url), 'utf8');

function importError(source: string, message: RegExp): UsageError {
  let caught: UsageError | undefined;
  assert.throws(
    () => parseSmpConfig(source, 'test.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, String(err));
      assert.match(err.message, message);
      caught = err;
      return true;
    },
  );
  return caught!;
}

describe('SMP test configuration import', () => {
  it('reads the {test, mesh} envelope mesheryctl takes', () => {
    const c = parseSmpConfig(fixture('checkout-open-loop.yaml'), 'checkout-open-loop.yaml');
    assert.equal(c.name, 'checkout-open-loop');
    assert.equal(c.mesh, 'istio');
    assert.deepEqual(c.labels, { team: 'payments' });
    assert.deepEqual(c.settings, {
      duration_ms: 90_000,
      requests: null,
      url: 'http://127.0.0.1:8080/checkout?delay=5ms',
      connections: 16,
      rate: 500,
      load_generator: 'native',
      headers: [
        ['X-Request-Source', 'meshdeck'],
        ['Cookie', 'session=abc123'],
      ],
    });
    assert.deepEqual(c.warnings, []);
  });

  it('reads JSON, rps 0 as maximum throughput, and a mesh given as a name', () => {
    const c = parseSmpConfig(fixture('max-throughput.json'), 'max-throughput.json');
    assert.equal(c.settings.rate, null);
    assert.equal(c.settings.connections, 64);
    assert.equal(c.mesh, 'linkerd');
  });

  it('names file, line, column and field of every problem', () => {
    const source = `test:
  name: bad
  clients:
    - connections: -2
      rps: fast
      protocol: PROTOCOL_GRPC
      endpoint_urls: ['ftp://x/']
  duration: 1x
`;
    const err = importError(source, /^test\.yaml:8:13: test\.duration: invalid duration "1x"/);
    const rest = err.details.join('\n');
    assert.match(rest, /test\.yaml:4:20: test\.clients\[0\]\.connections: expected a whole number >= 1/);
    assert.match(rest, /test\.yaml:5:12: test\.clients\[0\]\.rps: expected a number >= 0/);
    assert.match(rest, /test\.yaml:6:17: .*protocol "PROTOCOL_GRPC" is not supported/);
    assert.match(rest, /test\.yaml:7:23: .*unsupported scheme "ftp"/);
    assert.match(rest, /> 8 \| {3}duration: 1x/);
  });

  it('reports YAML syntax errors and missing parts', () => {
    importError('test: [unclosed\n', /^test\.yaml:\d+:\d+: not valid YAML or JSON/);
    importError('- a\n- b\n', /expected an SMP test configuration/);
    importError('test:\n  name: x\n', /test\.clients: expected a list with at least one client/);
    importError('test:\n  clients:\n    - rps: 5\n', /endpoint URL/);
  });

  it('warns that only the first client and endpoint are used', () => {
    const c = parseSmpConfig(
      'test:\n  clients:\n    - endpoint_urls: [http://a/, http://b/]\n    - endpoint_urls: [http://c/]\n',
      'f.yaml',
    );
    assert.equal(c.settings.url, 'http://a/');
    assert.deepEqual(c.warnings, [
      'f.yaml:4:7: test.clients[1]: only the first client is used',
      'f.yaml:3:34: test.clients[0].endpoint_urls[1]: only the first endpoint URL is used',
    ]);
  });
});

describe('SMP test configuration export', () => {
  it('round-trips through import', () => {
    const profile = createProfile({
      name: 'checkout',
      mesh: 'istio',
      labels: { team: 'payments' },
      settings: {
        url: 'http://svc:8080/pay',
        rate: 250,
        connections: 8,
        duration_ms: 90_000,
        method: 'POST',
        body: '{"amount":1}',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-A', 'b'],
        ],
      },
    });
    const file = toSmpConfig(profile);
    assert.equal(file.mesh.type, 3);
    assert.equal(file.test.clients[0].protocol, 1);
    assert.equal(file.test.duration, '1m30s');
    const yamlText = toYaml(file);
    assert.deepEqual(parse(yamlText), JSON.parse(JSON.stringify(file)));
    const back = parseSmpConfig(yamlText, 'export.yaml');
    assert.equal(back.name, 'checkout');
    assert.equal(back.mesh, 'istio');
    assert.equal(back.settings.url, 'http://svc:8080/pay');
    assert.equal(back.settings.rate, 250);
    assert.equal(back.settings.duration_ms, 90_000);
    assert.equal(back.settings.method, 'POST');
    assert.equal(back.settings.body, '{"amount":1}');
    assert.deepEqual(back.settings.headers, [
      ['X-A', 'b'],
      ['Content-Type', 'application/json'],
    ]);
  });

  it('refuses a profile that could not run', () => {
    assert.throws(() => createProfile({ name: 'no-url', settings: {} }), /no URL/);
    assert.throws(
      () => createProfile({ name: 'bad gate', settings: { url: 'http://x/' }, assertions: ['p99<20'] }),
      /needs a time unit/,
    );
    assert.throws(
      () => createProfile({ name: '-dash', settings: { url: 'http://x/' } }),
      /invalid profile name/,
    );
  });
});
