// exec, cp and port-forward (issue 17, class 10) with kubectl 1.27 (SPDY/3.1), 1.32 and 1.33 (WebSocket
// first: v5.channel.k8s.io for exec, SPDY tunnelled in a WebSocket for port-forward) and the Python
// client (WebSocket v4.channel.k8s.io), into a pod of meshdeck's image that runs as a real process; and
// the error every one of them gets for a simulated container.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';
import { KUBECTL_VERSIONS, Streaming, testSandbox, type KubectlHome, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
let h: KubectlHome;
/** The pod's working directory: exec runs there, cp reads and writes there. */
let workdir: string;
const PORT = 20_000 + Math.floor(Math.random() * 20_000);

before(async () => {
  ts = await testSandbox({ timeScale: 0.05 });
  h = ts.home();
  workdir = realpathSync(mkdtempSync(join(tmpdir(), 'meshdeck-pod-workdir-')));
  const pods = `apiVersion: v1
kind: Pod
metadata: {name: echo}
spec:
  containers:
  - name: echo
    image: meshdeck
    args: [perf, serve, --port, "${PORT}"]
    workingDir: ${workdir}
    env: [{name: GREETING, value: hello}, {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}]
    ports: [{containerPort: ${PORT}}]
---
apiVersion: v1
kind: Pod
metadata: {name: sim}
spec:
  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
`;
  const applied = await h.run(['apply', '-f', h.file('pods.yaml', pods)]);
  assert.equal(applied.code, 0, applied.stderr);
  const ready = await h.run(['wait', '--for=condition=Ready', 'pod/echo', 'pod/sim', '--timeout=60s'], {
    timeoutMs: 70_000,
  });
  assert.equal(ready.code, 0, ready.stderr);
});
after(async () => {
  await ts.stop();
  rmSync(workdir, { recursive: true, force: true });
});

/** How the sandbox saw the version's streaming requests: POST is SPDY, GET a WebSocket. */
function upgradeMethods(since: number, sub: string): string[] {
  return ts.requests
    .slice(since)
    .filter((r) => r.url.includes(`/pods/echo/${sub}`))
    .map((r) => `${r.method} ${r.status}`);
}
const expected = (version: string, sub: 'exec' | 'portforward') =>
  version === '1.27' || (sub === 'portforward' && version < '1.31') ? 'POST 101' : 'GET 101';

for (const version of KUBECTL_VERSIONS) {
  describe(`kubectl ${version}`, () => {
    it('exec runs the command in the pod environment and returns its exit code', async () => {
      const mark = ts.requests.length;
      const env = await h.run(['exec', 'echo', '--', 'env'], { version });
      assert.equal(env.code, 0, env.stderr);
      const vars = new Map(env.stdout.split('\n').map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]));
      assert.equal(vars.get('GREETING'), 'hello');
      assert.equal(vars.get('HOSTNAME'), 'echo');
      assert.match(vars.get('POD_IP') ?? '', /^127\.\d+\.\d+\.\d+$/);
      assert.equal(vars.get('KUBERNETES_SERVICE_HOST'), '127.0.0.1');
      assert.deepEqual(upgradeMethods(mark, 'exec'), [expected(version, 'exec')]);

      const pwd = await h.run(['exec', 'echo', '--', 'pwd'], { version });
      assert.equal(pwd.stdout.trim(), workdir);

      const failed = await h.run(['exec', 'echo', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], {
        version,
      });
      assert.equal(failed.code, 3);
      assert.equal(failed.stdout, 'out\n');
      assert.match(failed.stderr, /^err\n/);
      assert.match(failed.stderr, /command terminated with exit code 3/);

      const missing = await h.run(['exec', 'echo', '--', 'no-such-command-here'], { version });
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /executable file not found in \$PATH/);
    });

    it('exec -i passes stdin through, and its end', async () => {
      const r = await h.run(['exec', '-i', 'echo', '--', 'sh', '-c', 'cat; echo done'], {
        version,
        input: 'line one\nline two\n',
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'line one\nline two\ndone\n');
    });

    it('cp copies a file out of the pod and one into it (tar over exec)', async () => {
      const inside = join(workdir, `out-${version}.txt`);
      writeFileSync(inside, `from the pod ${version}\n`.repeat(2000));
      const local = h.file(`in-${version}.txt`, '');
      const out = await h.run(['cp', `echo:${inside}`, local], { version });
      assert.equal(out.code, 0, out.stderr);
      assert.equal(readFileSync(local, 'utf8'), readFileSync(inside, 'utf8'));

      const upload = h.file(`up-${version}.txt`, `to the pod ${version}\n`);
      const target = join(workdir, `up-${version}.txt`);
      const into = await h.run(['cp', upload, `echo:${target}`], { version });
      assert.equal(into.code, 0, into.stderr);
      assert.equal(readFileSync(target, 'utf8'), `to the pod ${version}\n`);
    });

    it('port-forward reaches the pod process: HTTP through the forwarded port', async () => {
      const mark = ts.requests.length;
      const pf = new Streaming(h, ['port-forward', 'pod/echo', `:${PORT}`], version);
      try {
        const out = await pf.waitFor(/Forwarding from 127\.0\.0\.1:(\d+)/, 20_000);
        const local = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)![1];
        for (let i = 0; i < 3; i++) {
          const res = await fetch(`http://127.0.0.1:${local}/hello?i=${i}`);
          assert.equal(res.status, 200);
          await res.arrayBuffer();
        }
        assert.deepEqual(upgradeMethods(mark, 'portforward'), [expected(version, 'portforward')]);
      } finally {
        await pf.kill();
      }
      assert.doesNotMatch(pf.stderr, /error|lost connection/i);
    });

    it('says the sandbox does not support exec, attach and port-forward for a simulated container', async () => {
      for (const args of [
        ['exec', 'sim', '--', 'env'],
        ['attach', 'sim'],
        ['port-forward', 'pod/sim', ':80'],
      ]) {
        const r = await h.run(args, { version, timeoutMs: 20_000 });
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
        const verb = args[0];
        assert.match(r.stderr, new RegExp(`the sandbox does not support ${verb} for simulated containers`));
        assert.doesNotMatch(r.stderr, /NotFound|not found/);
      }
    });
  });
}

describe('the Python client', () => {
  it('exec over WebSocket (v4.channel.k8s.io): output, stderr and the exit code', async (t) => {
    if (!needPrograms(t, PYTHON_KUBERNETES)) return;
    const r = await h.python(`
import json
from kubernetes import client, config
from kubernetes.stream import stream
config.load_kube_config()
v1 = client.CoreV1Api()
out = stream(v1.connect_get_namespaced_pod_exec, "echo", "default",
             command=["sh", "-c", "echo $GREETING; echo oops >&2; exit 4"],
             stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
out.run_forever(timeout=20)
result = {"stdout": out.read_stdout(), "stderr": out.read_stderr(), "rc": out.returncode}
try:
    stream(v1.connect_get_namespaced_pod_exec, "sim", "default", command=["env"],
           stderr=True, stdin=False, stdout=True, tty=False)
    result["sim"] = "no error"
except Exception as e:
    result["sim"] = str(e)
print(json.dumps(result))
`);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { stdout: string; stderr: string; rc: number; sim: string };
    assert.equal(out.stdout, 'hello\n');
    assert.equal(out.stderr, 'oops\n');
    assert.equal(out.rc, 4);
    assert.match(out.sim, /400/);
  });

  it('port-forward over WebSocket (ports= channels): HTTP through the socket', async (t) => {
    if (!needPrograms(t, PYTHON_KUBERNETES)) return;
    const r = await h.python(`
import json
from kubernetes import client, config
from kubernetes.stream import portforward
config.load_kube_config()
v1 = client.CoreV1Api()
pf = portforward(v1.connect_get_namespaced_pod_portforward, "echo", "default", ports="${PORT}")
sock = pf.socket(${PORT})
sock.setblocking(True)
sock.sendall(b"GET /py HTTP/1.1\\r\\nHost: echo\\r\\nConnection: close\\r\\n\\r\\n")
data = b""
while True:
    chunk = sock.recv(65536)
    if not chunk:
        break
    data += chunk
sock.close()
print(json.dumps({"status": data.split(b"\\r\\n")[0].decode(), "error": pf.error(${PORT})}))
`);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { status: string; error: string | null };
    assert.equal(out.status, 'HTTP/1.1 200 OK');
    assert.equal(out.error, null);
  });
});
