// attach (issue 17, class 10) with kubectl 1.27 (SPDY), 1.32 and 1.33 (WebSocket): the output of a
// container's real process, from now on (an allowed image whose command runs on this machine); stdin
// is refused with a message that says why.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, Streaming, testSandbox, type KubectlHome, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
let h: KubectlHome;

before(async () => {
  ts = await testSandbox({ timeScale: 0.05, allowedImages: ['ticker'] });
  h = ts.home();
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: ticker}
spec:
  containers:
  - name: ticker
    image: ticker
    command: [sh, -c, 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.1; done']
`;
  assert.equal((await h.run(['apply', '-f', h.file('ticker.yaml', pod)])).code, 0);
  const ready = await h.run(['wait', '--for=condition=Ready', 'pod/ticker', '--timeout=60s'], {
    timeoutMs: 70_000,
  });
  assert.equal(ready.code, 0, ready.stderr);
});
after(() => ts.stop());

for (const version of KUBECTL_VERSIONS) {
  describe(`kubectl ${version} attach`, () => {
    it('streams what the process writes from now on', async () => {
      const a = new Streaming(h, ['attach', 'ticker'], version);
      try {
        const out = await a.waitFor(/tick \d+\n[^]*tick \d+\n[^]*tick \d+\n/, 20_000);
        const ticks = [...out.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
        // Consecutive lines of the live process from the moment of attaching, not a replay from its start.
        assert.ok(ticks[0] > 1, out);
        for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i], ticks[i - 1] + 1, out);
      } finally {
        await a.kill();
      }
    });

    it('refuses stdin: the processes run without one', async () => {
      const r = await h.run(['attach', '-i', 'ticker'], { version, input: 'x\n', timeoutMs: 20_000 });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /the sandbox does not support stdin for attach/);
    });
  });
}

describe('stopping the sandbox', () => {
  it('ends open streaming connections instead of waiting for them', async () => {
    const a = new Streaming(h, ['attach', 'ticker']);
    await a.waitFor(/tick \d+\n/, 20_000);
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      ts.sandbox.stop().then(() => 'stopped'),
      new Promise<string>((r) => (timer = setTimeout(() => r('still waiting'), 15_000))),
    ]);
    clearTimeout(timer);
    assert.equal(stopped, 'stopped');
    assert.notEqual(await a.exited, null);
  });
});
