// Bad input: malformed bodies, unknown kinds and groups, oversized bodies, and a randomized barrage of
// mangled requests after which the server must still answer correctly.
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { raw, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox();
});
after(() => ts.stop());

const CM = '/api/v1/namespaces/default/configmaps';

describe('bad input', () => {
  it('malformed JSON and YAML bodies are 400 BadRequest with a Status', async () => {
    const json = await raw(ts, CM, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"metadata": {"name": "x"',
    });
    assert.equal(json.status, 400);
    assert.equal(json.json().kind, 'Status');
    assert.equal(json.json().reason, 'BadRequest');
    assert.match(json.json().message, /^couldn't get version\/kind; json parse error: /);
    const yaml = await raw(ts, CM, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: 'metadata:\n  name: x\n   bad: indent\n',
    });
    assert.equal(yaml.status, 400);
    assert.match(yaml.json().message, /^error converting YAML to JSON: yaml: line \d+: /);
    const notObject = await raw(ts, CM, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '[1,2]',
    });
    assert.equal(notObject.status, 400);
    const patch = await raw(ts, `${CM}/kube-root-ca.crt`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json-patch+json' },
      body: '{"op":"add"}',
    });
    assert.equal(patch.status, 400);
    const media = await raw(ts, `${CM}/kube-root-ca.crt`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'text/plain' },
      body: 'x',
    });
    assert.equal(media.status, 415);
    assert.equal(media.json().reason, 'UnsupportedMediaType');
  });

  it('unknown kinds, resources and groups are reported as kubectl expects', async () => {
    const h = ts.home();
    const kind = await h.run([
      'apply',
      '-f',
      h.file('g.yaml', 'apiVersion: example.com/v9\nkind: Gadget\nmetadata: {name: g}\n'),
    ]);
    assert.equal(kind.code, 1);
    assert.match(kind.stderr, /no matches for kind "Gadget" in version "example\.com\/v9"/);
    const type = await h.run(['get', 'nosuch']);
    assert.equal(type.stderr.trim(), 'error: the server doesn\'t have a resource type "nosuch"');
    for (const path of [
      '/apis/nosuch.io/v1/things',
      '/api/v1/nosuch',
      '/apis/apps/v9/deployments',
      '/nothing/here',
    ]) {
      const res = await raw(ts, path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.json(), {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server could not find the requested resource',
        reason: 'NotFound',
        details: {},
        code: 404,
      });
    }
  });

  it('a body over 3 MiB is 413, and the server keeps serving', async () => {
    const big = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big' },
      data: { a: 'x'.repeat(3 * 1024 * 1024) },
    });
    const res = await raw(ts, CM, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: big,
    });
    assert.equal(res.status, 413);
    assert.deepEqual(
      { reason: res.json().reason, message: res.json().message },
      { reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' },
    );
    const almost = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'almost' },
      data: { a: 'x'.repeat(1024 * 1024) },
    });
    assert.equal(
      (await raw(ts, CM, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: almost }))
        .status,
      201,
    );
  });

  it('survives thousands of randomized, mangled requests and keeps answering correctly', async () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const segments = [
      'api',
      'apis',
      'v1',
      'apps',
      'namespaces',
      'default',
      'pods',
      'configmaps',
      'deployments',
      'status',
      'scale',
      'finalize',
      'watch',
      '%zz',
      '..',
      '%2F',
      'x'.repeat(300),
      '',
      'kube-root-ca.crt',
      'example.com',
      'widgets',
      '\u00e9',
      'openapi',
      'v3',
      'version',
      'healthz',
    ];
    const queries = [
      '',
      '?watch=true&timeoutSeconds=0',
      '?labelSelector=a%20in%20(',
      '?fieldSelector=spec.x%3Dy',
      '?limit=-1',
      '?continue=garbage',
      '?resourceVersion=abc',
      '?dryRun=Maybe',
      '?fieldValidation=Loud',
      '?fieldManager=' + 'm'.repeat(200),
      '?labelSelector=!!!',
      '?limit=2&continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOjF9',
      '?gracePeriodSeconds=x',
      '?propagationPolicy=Sideways',
      '?watch=1&resourceVersion=1',
      '?force=true',
    ];
    const bases = [
      '/api/v1/namespaces/default/configmaps',
      '/api/v1/namespaces/default/configmaps/kube-root-ca.crt',
      '/api/v1/namespaces/default/pods',
      '/apis/apps/v1/namespaces/default/deployments',
      '/api/v1/namespaces',
      '/api/v1/namespaces/default',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      '/api/v1/configmaps',
    ];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND'];
    const types = [
      'application/json',
      'application/yaml',
      'application/merge-patch+json',
      'application/json-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
      'application/vnd.kubernetes.protobuf',
      'text/plain',
      '',
      'application/json; charset=utf-8',
    ];
    const accepts = [
      'application/json',
      'application/json;as=Table;v=v1;g=meta.k8s.io',
      'application/vnd.kubernetes.protobuf',
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      '*/*',
      'text/html',
      ';;;,,,',
      'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
    ];
    const bodies = [
      () => '',
      () => '{',
      () => 'null',
      () => '[]',
      () => '"string"',
      () =>
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `f${Math.floor(rand() * 50)}` },
          data: { a: 'b' },
        }),
      () =>
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'x', labels: { 'bad key!': 1 } },
          data: [1],
        }),
      () =>
        JSON.stringify({ metadata: { name: 'x', resourceVersion: 'nope', finalizers: [1, {}] }, spec: null }),
      () =>
        JSON.stringify([
          { op: 'replace', path: '/data/a', value: 'z' },
          { op: 'move', from: '/nope', path: '/x' },
        ]),
      () => JSON.stringify([{ op: 'test' }, 5, null]),
      () =>
        JSON.stringify({
          __proto__: { polluted: true },
          constructor: { prototype: { bad: 1 } },
          metadata: { name: 'p' },
        }),
      () =>
        JSON.stringify({
          metadata: { name: 'x' },
          data: { $patch: 'delete' },
          '$setElementOrder/containers': [{ name: 1 }],
          spec: { $retainKeys: 'x' },
        }),
      () => `${'['.repeat(50_000)}1${']'.repeat(50_000)}`,
      () => `${'{"a":'.repeat(900)}1${'}'.repeat(900)}`,
      () => '- '.repeat(3000) + 'x',
      () => 'a: [\n  - b\n: c',
      () => '*anchor\n&x [*x]',
      () => 'k8s\u0000\u0012\u00ff\u00fe garbage',
      () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))).toString('latin1'),
    ];
    const token = ts.sandbox.mintToken({ user: 'fuzzer', groups: ['system:masters'] });
    let statuses = new Map<number, number>();
    const one = async () => {
      const mangled = Array.from({ length: Math.floor(rand() * 4) }, () => pick(segments)).join('/');
      const base = rand() < 0.6 ? pick(bases) : '';
      const path = `${base}/${mangled}`.replace(/\/$/, '') + pick(queries);
      const method = pick(methods);
      const body = method === 'GET' || method === 'HEAD' ? undefined : pick(bodies)();
      const headers: Record<string, string> = { Accept: pick(accepts) };
      const type = pick(types);
      if (type) headers['Content-Type'] = type;
      const res = await raw(ts, path, {
        method,
        headers,
        body,
        token: rand() < 0.1 ? 'wrong' : token,
        cutAfterMs: 300,
      }).catch((e: Error) => ({ status: -1, text: e.message }));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      return res.status;
    };
    const N = 3000;
    let done = 0;
    const workers = Array.from({ length: 16 }, async () => {
      while (done < N) {
        done++;
        await one();
      }
    });
    await Promise.all(workers);
    // Raw garbage on the TLS socket, and a half-sent request.
    await new Promise<void>((resolve) => {
      const url = new URL(ts.sandbox.url);
      const s = connect({ host: url.hostname, port: Number(url.port), ca: ts.sandbox.caPem }, () => {
        s.write('GARBAGE \u0000\r\n\r\nGET / HTTP/9.9\r\nHost:\r\n\r\n');
        s.end();
      });
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      s.resume();
    });
    statuses = new Map([...statuses].sort(([a], [b]) => a - b));
    assert.equal(statuses.get(-1) ?? 0, 0, `transport errors: ${JSON.stringify([...statuses])}`);
    const serverErrors = [...statuses].filter(([code]) => code >= 500 && code !== 504);
    assert.deepEqual(
      serverErrors,
      [],
      `5xx answers: ${JSON.stringify([...statuses])}; internal errors: ${ts.errors.map(String).join('; ')}`,
    );
    assert.ok((statuses.get(404) ?? 0) > 100 && (statuses.get(400) ?? 0) > 10, JSON.stringify([...statuses]));
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
    // Still serving, and still right.
    const version = await raw(ts, '/version');
    assert.equal(version.json().gitVersion, 'v1.32.0');
    const h = ts.home();
    const r = await h.run(['create', 'configmap', 'after-fuzz', '--from-literal=a=b']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await h.run(['get', 'cm', 'after-fuzz', '-o', 'jsonpath={.data.a}'])).stdout, 'b');
  });
});
