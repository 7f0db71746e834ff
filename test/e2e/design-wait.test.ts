// apply --wait against the sandbox with its controllers off, so nothing becomes ready by itself: that
// gives the --timeout case (exit 5, naming what is not ready), and the test writes the status a
// controller would write (kubectl patch --subresource=status) to see the wait end exactly as kubectl's
// rollout status would. (The wait with the sandbox's real controllers: test/e2e/demo.solo.test.ts.) Live progress is checked on a real terminal (script(1)).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LiveProcess } from '../helpers/provider.js';
import { ClusterHome } from '../helpers/cluster.js';
import { BIN, runProcess } from '../helpers/cli.js';

let c: ClusterHome;
before(async () => {
  c = await ClusterHome.start({ controllers: false });
  assert.equal((await c.kubectl(['create', 'namespace', 'shop'])).code, 0);
});
after(() => c.stop());

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;
const POD =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: one, namespace: shop}\nspec: {containers: [{name: c, image: app}]}\n';
const JOB = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: m, image: migrate}]}
`;

/** Writes an object's status as its controller would. */
async function setStatus(kind: string, name: string, status: unknown) {
  const r = await c.kubectl([
    'patch',
    kind,
    name,
    '-n',
    'shop',
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  ]);
  assert.equal(r.code, 0, r.stderr);
}

describe('design apply --wait', () => {
  it('times out with exit 5, naming each object that is not ready and why', async () => {
    const file = c.file('slow.yaml', `${DEPLOYMENT}---\n${POD}`);
    const started = Date.now();
    const r = await c.meshdeck(['design', 'apply', '-f', file, '--wait', '--timeout', '2s']);
    assert.equal(r.code, 5, r.stderr);
    assert.ok(Date.now() - started >= 2000);
    assert.match(r.stdout, /^deployment\.apps\/web -n shop created$/m, 'the apply itself is reported');
    assert.match(r.stderr, /error: timed out after 2s: 2 of 2 not ready/);
    assert.match(
      r.stderr,
      /deployment\.apps\/web -n shop: (waiting for the deployment spec update to be observed|0 out of 2 new replicas have been updated)/,
    );
    assert.match(r.stderr, /pod\/one -n shop: /);
    assert.match(r.stderr, /hint: allow longer with --timeout/);
  });

  it('ends when the objects become ready, with rollout-status semantics', async () => {
    const file = c.file('slow.yaml', `${DEPLOYMENT}---\n${POD}`);
    const proc = new LiveProcess(['design', 'apply', '-f', file, '--wait', '--timeout', '30s'], c.home.env);
    await proc.waitFor(/pod\/one -n shop unchanged/);
    const generation = (await c.get(['deployment', 'web', '-n', 'shop'])).metadata.generation;
    // Half-way: updated, not yet available. The wait goes on.
    await setStatus('deployment', 'web', {
      observedGeneration: generation,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 1,
    });
    await setStatus('pod', 'one', { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(proc.child.exitCode, null, 'still waiting for the second replica');
    await setStatus('deployment', 'web', {
      observedGeneration: generation,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    const r = await proc.done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2 workloads ready/);
  });

  it('a Job that fails ends the wait with exit 1', async () => {
    const file = c.file('job.yaml', JOB);
    const proc = new LiveProcess(['design', 'apply', '-f', file, '--wait', '--timeout', '30s'], c.home.env);
    await proc.waitFor(/job\.batch\/migrate -n shop created/);
    await setStatus('job', 'migrate', {
      failed: 1,
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
    });
    const r = await proc.done;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: 1 of 1 failed instead of becoming ready/);
    assert.match(r.stderr, /job\.batch\/migrate -n shop: .*backoff limit/);
  });

  it('shows live progress on a terminal, and none when stderr is not one', async () => {
    const file = c.file('tty.yaml', DEPLOYMENT.replace('name: web', 'name: tty'));
    const command = [process.execPath, BIN, 'design', 'apply', '-f', file, '--wait', '--timeout', '1s']
      .map((a) => `'${a}'`)
      .join(' ');
    const tty = await runProcess('script', ['-qefc', command, '/dev/null'], {
      env: c.home.env,
      timeoutMs: 30_000,
    });
    assert.equal(tty.code, 5, tty.stdout);
    // The progress line is redrawn in place: carriage return, erase line (ESC [2K), the text.
    assert.ok(
      tty.stdout.includes('\r\u001b[2Kwaiting: 0/1 ready; deployment.apps/tty -n shop: '),
      JSON.stringify(tty.stdout),
    );
    const piped = await c.meshdeck(['design', 'apply', '-f', file, '--wait', '--timeout', '1s']);
    assert.equal(piped.code, 5);
    assert.ok(!piped.stderr.includes('\u001b[2K') && !piped.stderr.includes('waiting: 0/1'), piped.stderr);
  });
});
