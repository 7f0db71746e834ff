// Ownership against the sandbox: apply --prune removes only what the same design applied before and no
// longer holds (never unlabelled objects, another design's, or copies made by controllers), and design
// delete removes what the design owns, keeps what it does not, and waits for finalizers (exit 5 on timeout).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LiveProcess } from '../helpers/provider.js';
import { ClusterHome } from '../helpers/cluster.js';

let c: ClusterHome;
before(async () => {
  c = await ClusterHome.start();
  const ns = await c.kubectl(['create', 'namespace', 'team']);
  assert.equal(ns.code, 0, ns.stderr);
});
after(() => c.stop());

const configMap = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: team\n${extra}data: {n: "${name}"}\n`;
const clusterRole =
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: app-reader}\nrules: []\n';
const design = (name: string, docs: string[]) => c.file(`${name}.yaml`, docs.join('---\n'));

const exists = async (kind: string, name: string, ns = 'team') =>
  (await c.get(ns ? [kind, name, '-n', ns] : [kind, name])) !== undefined;

describe('apply --prune', () => {
  let v2 = '';
  before(async () => {
    const v1 = design('app-v1', [configMap('a'), configMap('b'), configMap('c'), clusterRole]);
    const r = await c.meshdeck(['design', 'apply', '-f', v1, '--name', 'app']);
    assert.equal(r.code, 0, r.stderr);
    // Around it: an object nobody labelled, one of another design, and a copy a controller made of "a"
    // (it carries the design's label, as controllers copy labels, and an owner reference).
    assert.equal((await c.kubectl(['create', 'configmap', 'stray', '-n', 'team'])).code, 0);
    const other = await c.meshdeck(['design', 'apply', '-f', design('other', [configMap('o1')])]);
    assert.equal(other.code, 0, other.stderr);
    const uid = (await c.get(['configmap', 'a', '-n', 'team'])).metadata.uid;
    const child = await c.kubectl(['apply', '-f', '-'], {
      input: configMap(
        'a-copy',
        `  labels: {meshdeck.io/design: app}\n  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: a, uid: ${uid}}]\n`,
      ),
    });
    assert.equal(child.code, 0, child.stderr);
    v2 = design('app-v2', [configMap('a'), configMap('c')]);
  });

  it('with --dry-run=server says what would go and removes nothing', async () => {
    const mark = c.mark();
    const r = await c.meshdeck(['design', 'apply', '-f', v2, '--name', 'app', '--prune', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^configmap\/b -n team pruned \(server dry run\)$/m);
    assert.match(
      r.stdout,
      /^clusterrole\.rbac\.authorization\.k8s\.io\/app-reader pruned \(server dry run\)$/m,
    );
    assert.ok(mark.changes().every((w) => /dryRun/.test(w.url) || w.method === 'DELETE'));
    assert.ok(await exists('configmap', 'b'));
    assert.ok(await exists('clusterrole', 'app-reader', ''));
  });

  it('deletes only the objects the design applied before and no longer holds', async () => {
    const mark = c.mark();
    const r = await c.meshdeck(['design', 'apply', '-f', v2, '--name', 'app', '--prune']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'configmap/a -n team unchanged',
        'configmap/c -n team unchanged',
        'configmap/b -n team pruned',
        'clusterrole.rbac.authorization.k8s.io/app-reader pruned',
        '',
      ].join('\n'),
    );
    assert.match(r.stderr, /design "app" 0\.0\.1: 2 unchanged, 2 pruned/);
    const deletes = mark
      .changes()
      .filter((w) => w.method === 'DELETE')
      .map((w) => w.url.replace(/\?.*/, ''));
    assert.deepEqual(deletes.sort(), [
      '/api/v1/namespaces/team/configmaps/b',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/app-reader',
    ]);
    assert.equal(await exists('configmap', 'b'), false);
    assert.equal(await exists('clusterrole', 'app-reader', ''), false);
    for (const kept of ['a', 'c', 'stray', 'o1', 'a-copy']) assert.ok(await exists('configmap', kept), kept);
  });

  it('prunes nothing when an object fails to apply', async () => {
    const broken = design('app-v3', [
      configMap('a'),
      'apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: team}\nspec: {ports: [{port: 70000, protocol: TCP}]}\n',
    ]);
    const r = await c.meshdeck(['design', 'apply', '-f', broken, '--name', 'app', '--prune']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /warning: nothing was pruned, because 1 object failed to apply/);
    assert.ok(await exists('configmap', 'c'));
  });
});

describe('design delete', () => {
  let file = '';
  before(() => {
    file = design('app-v4', [configMap('a'), configMap('c'), configMap('never-applied')]);
  });

  it('keeps objects of the design that it does not own, and says which are absent', async () => {
    // Someone took "c" out of the design's hands.
    const unlabel = await c.kubectl(['label', 'configmap', 'c', '-n', 'team', 'meshdeck.io/design-']);
    assert.equal(unlabel.code, 0, unlabel.stderr);
    const r = await c.meshdeck(['design', 'delete', '-f', file, '--name', 'app', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^configmap\/a -n team deleted \(server dry run\)$/m);
    assert.match(r.stdout, /^configmap\/c -n team kept \(server dry run\): not created by this design$/m);
    assert.match(
      r.stdout,
      /^configmap\/never-applied -n team absent \(server dry run\): not in the cluster$/m,
    );
    assert.ok(await exists('configmap', 'a'), 'a dry run deletes nothing');
  });

  it('waits for finalizers, and times out with exit 5 naming what is left', async () => {
    const hold = await c.kubectl([
      'patch',
      'configmap',
      'a',
      '-n',
      'team',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["example.com/hold"]}}',
    ]);
    assert.equal(hold.code, 0, hold.stderr);
    const started = Date.now();
    const r = await c.meshdeck(['design', 'delete', '-f', file, '--name', 'app', '--timeout', '2s']);
    assert.equal(r.code, 5, r.stderr);
    assert.ok(Date.now() - started >= 2000);
    assert.match(r.stderr, /error: timed out after 2s: 1 of 1 not deleted/);
    assert.match(r.stderr, /configmap\/a -n team: waiting for finalizers: example\.com\/hold/);
    assert.ok((await c.get(['configmap', 'a', '-n', 'team'])).metadata.deletionTimestamp);
  });

  it('finishes once the finalizer is removed, and leaves what it does not own', async () => {
    const proc = new LiveProcess(['design', 'delete', '-f', file, '--name', 'app'], c.home.env);
    await proc.waitFor(/deleted/);
    const release = await c.kubectl([
      'patch',
      'configmap',
      'a',
      '-n',
      'team',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    assert.equal(release.code, 0, release.stderr);
    const r = await proc.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await exists('configmap', 'a'), false);
    for (const kept of ['c', 'stray', 'o1']) assert.ok(await exists('configmap', kept), kept);
  });
});
