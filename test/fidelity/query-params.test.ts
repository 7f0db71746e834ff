// Issue 17 class 1: query parameters as clients other than kubectl spell them. Booleans are read as the
// apiserver's conversion reads them (absent, "0" and "false" in any case are false; anything else is
// true), `pretty` as its negotiation reads it (strconv.ParseBool), PatchOptions and PodLogOptions are
// validated with its 400s and 422s, and every pod log option is honoured for kubectl and Python.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, eventually, raw, testSandbox, type TestSandbox } from './helpers.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

let ts: TestSandbox;
const POD = 'talker';
before(async () => {
  ts = await testSandbox();
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD },
    spec: {
      containers: [
        { name: 'main', image: 'nginx' },
        { name: 'side', image: 'busybox' },
      ],
    },
  };
  const r = await raw(ts, '/api/v1/namespaces/default/pods', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(pod),
  });
  assert.equal(r.status, 201, r.text);
  // Simulated containers write a line every 250 ms at this time scale: wait for a few.
  await eventually(
    async () => {
      const log = await raw(ts, `/api/v1/namespaces/default/pods/${POD}/log?container=main`);
      return log.status === 200 && log.text.split('\n').length > 5 ? true : undefined;
    },
    20_000,
    'the pod to run and log some lines',
  );
});
after(() => ts.stop());

const logPath = (query: string) => `/api/v1/namespaces/default/pods/${POD}/log?${query}`;

describe('query parameters (issue 17, class 1)', () => {
  it('watch is true for every spelling but absent, 0 and false in any case', async () => {
    for (const v of ['true', 'True', 'TRUE', '1', 't', 'yes', '']) {
      const r = await raw(ts, `/api/v1/namespaces?watch=${v}`, { cutAfterMs: 300 });
      assert.equal(r.status, 200);
      assert.match(r.text, /^\{"type":"ADDED"/, `watch=${v} should open a watch`);
    }
    for (const v of ['false', 'False', 'FALSE', '0']) {
      const r = await raw(ts, `/api/v1/namespaces?watch=${v}`);
      assert.equal(r.status, 200);
      assert.equal(r.json().kind, 'NamespaceList', `watch=${v} should list`);
    }
  });

  it('pretty indents with a value strconv.ParseBool accepts as true, and not otherwise', async () => {
    const pretty = await raw(ts, '/api/v1/namespaces/default?pretty=T');
    assert.match(pretty.text, /^\{\n {2}"apiVersion": "v1",\n {2}"kind": "Namespace",\n/);
    for (const v of ['false', 'yes', '0']) {
      const plain = await raw(ts, `/api/v1/namespaces/default?pretty=${v}`);
      assert.match(plain.text, /^\{"apiVersion":"v1","kind":"Namespace",/, `pretty=${v}`);
    }
  });

  it('force=True takes conflicting fields in an apply; force on another patch type is 422 PatchOptions', async () => {
    const cm = (v: string) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'forced' }, data: { k: v } });
    const apply = (manager: string, body: string, force?: string) =>
      raw(
        ts,
        `/api/v1/namespaces/default/configmaps/forced?fieldManager=${manager}${force ? `&force=${force}` : ''}`,
        { method: 'PATCH', headers: { 'Content-Type': 'application/apply-patch+yaml' }, body },
      );
    assert.equal((await apply('first', cm('a'))).status, 201);
    assert.equal((await apply('second', cm('b'), 'False')).status, 409);
    const forced = await apply('second', cm('b'), 'True');
    assert.equal(forced.status, 200, forced.text);
    assert.equal(forced.json().data.k, 'b');

    const merge = await raw(ts, '/api/v1/namespaces/default/configmaps/forced?force=false', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{"data":{"k":"c"}}',
    });
    assert.equal(merge.status, 422);
    assert.equal(
      merge.json().message,
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
    const noManager = await raw(ts, '/api/v1/namespaces/default/configmaps/forced', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: cm('d'),
    });
    assert.equal(noManager.status, 422);
    assert.equal(
      noManager.json().message,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  });

  it('pod log options are validated as PodLogOptions: 400 for what does not parse, 422 for bad values', async () => {
    const cases: Array<[string, number, string]> = [
      [
        'container=main&tailLines=-1',
        422,
        `PodLogOptions "${POD}" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0`,
      ],
      [
        'container=main&limitBytes=0',
        422,
        `PodLogOptions "${POD}" is invalid: limitBytes: Invalid value: 0: must be greater than 0`,
      ],
      [
        'container=main&sinceSeconds=0',
        422,
        `PodLogOptions "${POD}" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0`,
      ],
      [
        'container=main&sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z',
        422,
        `PodLogOptions "${POD}" is invalid: : Forbidden: at most one of \`sinceTime\` or \`sinceSeconds\` may be specified`,
      ],
      ['container=main&tailLines=ten', 400, 'strconv.ParseInt: parsing "ten": invalid syntax'],
      [
        'container=main&sinceTime=yesterday',
        400,
        'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
      ],
    ];
    for (const [query, code, message] of cases) {
      const r = await raw(ts, logPath(query));
      assert.equal(r.status, code, query);
      assert.equal(r.json().message, message, query);
    }
  });

  it('every log option is honoured over HTTP: tailLines, timestamps, limitBytes, sinceTime, follow=True', async () => {
    const tail = await raw(ts, logPath('container=side&tailLines=2&timestamps=True'));
    const lines = tail.text.trimEnd().split('\n');
    assert.equal(lines.length, 2, tail.text);
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S/);
    const limited = await raw(ts, logPath('container=side&limitBytes=7'));
    assert.equal(limited.body.length, 7);
    const future = await raw(ts, logPath('container=side&sinceTime=2999-01-01T00:00:00Z'));
    assert.equal(future.text, '');
    const followed = await raw(ts, logPath('container=side&follow=True&tailLines=0'), { cutAfterMs: 1500 });
    assert.ok(followed.text.split('\n').length >= 3, `follow=True should stream new lines: ${followed.text}`);
    const notFollowed = await raw(ts, logPath('container=side&follow=False&tailLines=0'));
    assert.equal(notFollowed.text, '');
  });

  for (const version of KUBECTL_VERSIONS) {
    it(`kubectl ${version}: logs -c, --tail, --timestamps, --limit-bytes, --since, --since-time`, async () => {
      const h = ts.home();
      const tail = await h.run(['logs', POD, '-c', 'main', '--tail=3', '--timestamps'], { version });
      assert.equal(tail.code, 0, tail.stderr);
      const lines = tail.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 3, tail.stdout);
      assert.match(lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
      const limited = await h.run(['logs', POD, '-c', 'main', '--limit-bytes=5'], { version });
      assert.equal(limited.stdout.length, 5);
      const since = await h.run(['logs', POD, '-c', 'side', '--since=1h'], { version });
      assert.match(since.stdout, /^starting side \(busybox\) in pod default\/talker$/m);
      const sinceTime = await h.run(['logs', POD, '-c', 'side', '--since-time=2999-01-01T00:00:00Z'], {
        version,
      });
      assert.equal(sinceTime.code, 0, sinceTime.stderr);
      assert.equal(sinceTime.stdout, '');
      const unknown = await h.run(['logs', POD, '-c', 'nope'], { version });
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /container nope is not valid for pod talker/);
    });
  }

  it('the Python client: watch=True streams events, follow=True streams log lines, tail_lines and timestamps work', async (t) => {
    if (!needPrograms(t, PYTHON_KUBERNETES)) return;
    const r = await ts.home().python(`
import json
from kubernetes import client, config, watch
config.load_kube_config()
v1 = client.CoreV1Api()
v1.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="watched")))
events = []
w = watch.Watch()
for e in w.stream(v1.list_namespaced_config_map, "default", timeout_seconds=5):
    events.append([e["type"], e["object"].metadata.name])
    if e["object"].metadata.name == "watched":
        w.stop()
tail = v1.read_namespaced_pod_log("${POD}", "default", container="main", tail_lines=2, timestamps=True)
stream = v1.read_namespaced_pod_log("${POD}", "default", container="side", follow=True, tail_lines=0, _preload_content=False)
followed = []
for line in stream.stream():
    followed.append(line.decode())
    if len("".join(followed).splitlines()) >= 2:
        break
stream.release_conn()
print(json.dumps({"events": events, "tail": tail.splitlines(), "followed": "".join(followed).splitlines()}))
`);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { events: string[][]; tail: string[]; followed: string[] };
    assert.ok(
      out.events.some(([type, name]) => type === 'ADDED' && name === 'watched'),
      r.stdout,
    );
    assert.equal(out.tail.length, 2);
    assert.match(out.tail[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
    assert.ok(out.followed.length >= 2, r.stdout);
    assert.match(out.followed[0], /^GET \//);
  });
});
