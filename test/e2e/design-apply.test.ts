// design apply, diff and the real kubectl against a sandbox started in this process: server-side apply with
// field manager meshdeck (kubectl sees exactly that), namespaces first, no-op re-applies, server dry runs,
// drift after an out-of-band `kubectl edit`, --force-conflicts, partial failure, and a design by name.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ClusterHome, NO_TIMED_WRITES } from '../helpers/cluster.js';

let c: ClusterHome;
let shop = '';
let app = '';
before(async () => {
  c = await ClusterHome.start(NO_TIMED_WRITES);
  shop = c.file('shop/10-namespace.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n');
  app = c.file(
    'shop/20-app.yaml',
    `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {greeting: hello, mode: fast}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
# protocol is written out: the phase 1 sandbox does not default it in an applied configuration, so a
# second apply without it would add a second port (a real apiserver defaults it before merging).
spec: {selector: {app: web}, ports: [{port: 80, protocol: TCP}]}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
stringData: {password: hunter2}
`,
  );
  shop = shop.replace(/\/10-namespace\.yaml$/, '');
});
after(() => c.stop());

/** The same objects with meshdeck's ownership marks, as kubectl would need to apply them. */
function owned(text: string, design: string, version: string): string {
  return text.replace(
    /metadata: \{name: ([a-z-]+), namespace: shop(, labels: \{app: web\})?\}/g,
    (_m, name: string, labels?: string) =>
      `metadata: {name: ${name}, namespace: shop, labels: {meshdeck.io/design: ${design}${labels ? ', app: web' : ''}}, annotations: {meshdeck.io/design-version: ${version}}}`,
  );
}

describe('design apply against the sandbox', () => {
  it('applies with server-side apply, Namespaces first, one line per object and a summary', async () => {
    const mark = c.mark();
    const r = await c.meshdeck(['design', 'apply', '-f', shop]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'namespace/shop created',
        'configmap/settings -n shop created',
        'deployment.apps/web -n shop created',
        'service/web -n shop created',
        'secret/creds -n shop created',
        '',
      ].join('\n'),
    );
    assert.match(r.stderr, /design "shop" 0\.0\.1: 5 created/);
    const applies = mark.changes();
    assert.equal(applies.length, 5, 'one request per object');
    assert.ok(
      applies.every(
        (a) =>
          a.method === 'PATCH' &&
          a.contentType === 'application/apply-patch+yaml' &&
          /fieldManager=meshdeck/.test(a.url),
      ),
    );
    assert.match(applies[0].url, /^\/api\/v1\/namespaces\/shop\?/, 'the namespace goes first');
  });

  it('leaves exactly what kubectl sees: the fields, the ownership marks, and meshdeck as the apply manager', async () => {
    const cm = await c.get(['configmap', 'settings', '-n', 'shop', '--show-managed-fields']);
    assert.deepEqual(cm.data, { greeting: 'hello', mode: 'fast' });
    assert.equal(cm.metadata.labels['meshdeck.io/design'], 'shop');
    assert.equal(cm.metadata.annotations['meshdeck.io/design-version'], '0.0.1');
    const managers = cm.metadata.managedFields.map((f: { manager: string; operation: string }) => [
      f.manager,
      f.operation,
    ]);
    assert.deepEqual(managers, [['meshdeck', 'Apply']]);
    const deploy = await c.get(['deployment', 'web', '-n', 'shop']);
    assert.equal(deploy.spec.replicas, 2);
    assert.equal(deploy.spec.template.spec.containers[0].image, 'nginx:1.27');
    const secret = await c.get(['secret', 'creds', '-n', 'shop']);
    assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 'hunter2');

    // kubectl's own server-side diff, as the same field manager, finds nothing left to do...
    const manifest = c.file('owned.yaml', owned(readFileSync(app, 'utf8'), 'shop', '0.0.1'));
    const same = await c.kubectl(['diff', '--server-side', '--field-manager=meshdeck', '-f', manifest]);
    assert.equal(same.code, 0, `${same.stdout}${same.stderr}`);
    assert.equal(same.stdout, '');
    // ...and would see a change if there were one.
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('replicas: 2', 'replicas: 3'));
    const changed = await c.kubectl(['diff', '--server-side', '--field-manager=meshdeck', '-f', manifest]);
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /^- {2}replicas: 2\n\+ {2}replicas: 3$/m);
  });

  it('re-applies without changing anything: every object unchanged, one apply each and nothing else', async () => {
    const mark = c.mark();
    const r = await c.meshdeck(['design', 'apply', '-f', shop, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'DesignApplyResult');
    assert.deepEqual(
      doc.items.map((i: { object: string; action: string }) => `${i.object} ${i.action}`),
      [
        'namespace/shop unchanged',
        'configmap/settings -n shop unchanged',
        'deployment.apps/web -n shop unchanged',
        'service/web -n shop unchanged',
        'secret/creds -n shop unchanged',
      ],
    );
    assert.equal(doc.items[1].source, `${app}:1:1`);
    // (The phase 1 sandbox stores a no-op apply again when a second has passed, as it renews the
    // managedFields time; a real apiserver does not. So the requests are checked, not the resourceVersion.)
    const writes = mark.changes();
    assert.deepEqual(
      writes.map((w) => w.method),
      ['PATCH', 'PATCH', 'PATCH', 'PATCH', 'PATCH'],
    );
    assert.deepEqual((await c.get(['configmap', 'settings', '-n', 'shop'])).data, {
      greeting: 'hello',
      mode: 'fast',
    });
  });

  it('--dry-run=server has the server check the change and keeps the cluster as it was', async () => {
    const changed = c.file('dry/app.yaml', readFileSync(app, 'utf8').replace('mode: fast', 'mode: slow'));
    const before = c.sandbox.stats().resourceVersion;
    const mark = c.mark();
    const r = await c.meshdeck(['design', 'apply', '-f', changed, '--name', 'shop', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^configmap\/settings -n shop configured \(server dry run\)$/m);
    assert.match(r.stdout, /^deployment\.apps\/web -n shop unchanged \(server dry run\)$/m);
    assert.ok(mark.changes().every((a) => /dryRun=All/.test(a.url)));
    assert.equal(c.sandbox.stats().resourceVersion, before);
    assert.equal((await c.get(['configmap', 'settings', '-n', 'shop'])).data.mode, 'fast');
  });
});

describe('design diff: drift detection', () => {
  it('is clean right after an apply (exit 0, nothing on stdout)', async () => {
    const r = await c.meshdeck(['design', 'diff', '-f', shop]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /design "shop": no drift \(5 objects match the cluster\)/);
  });

  it('finds an out-of-band `kubectl edit` (exit 3), shows it, and says an apply needs --force-conflicts', async () => {
    const edit = await c.kubectl(['edit', 'configmap', 'settings', '-n', 'shop'], {
      env: { KUBE_EDITOR: `sed -i -e "s/^  mode: fast$/  mode: edited/"` },
    });
    assert.equal(edit.code, 0, edit.stderr);
    assert.match(edit.stdout, /configmap\/settings edited/);
    const mark = c.mark();
    const r = await c.meshdeck(['design', 'diff', '-f', shop]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stdout,
      /^# configmap\/settings -n shop: apply needs --force-conflicts: \.data\.mode: conflict with "kubectl-edit"/m,
    );
    assert.match(
      r.stdout,
      /^--- live {4}configmap\/settings -n shop\n\+\+\+ design {2}configmap\/settings -n shop\n/m,
    );
    assert.match(r.stdout, /^- {2}mode: edited\n\+ {2}mode: fast$/m);
    assert.match(r.stderr, /design "shop": drift found: 1 to update/);
    assert.ok(
      mark.changes().every((a) => /dryRun=All/.test(a.url)),
      'diff changes nothing',
    );

    const json = await c.meshdeck(['design', 'diff', '-f', shop, '-o', 'json']);
    assert.equal(json.code, 3);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.kind, 'DesignDiff');
    assert.equal(doc.drift, true);
    assert.deepEqual(
      doc.items
        .filter((i: { change: string }) => i.change !== 'none')
        .map((i: { object: string }) => i.object),
      ['configmap/settings -n shop'],
    );
  });

  it('an apply stops at the conflict (exit 1, with the hint); --force-conflicts takes the field back', async () => {
    const refused = await c.meshdeck(['design', 'apply', '-f', shop]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^configmap\/settings -n shop failed: .*conflict with "kubectl-edit"/m);
    assert.match(refused.stderr, /error: 1 of 5 objects failed to apply/);
    assert.match(
      refused.stderr,
      /hint: another field manager owns these fields; run again with --force-conflicts/,
    );
    assert.equal((await c.get(['configmap', 'settings', '-n', 'shop'])).data.mode, 'edited');

    const forced = await c.meshdeck(['design', 'apply', '-f', shop, '--force-conflicts']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^configmap\/settings -n shop configured$/m);
    assert.equal((await c.get(['configmap', 'settings', '-n', 'shop'])).data.mode, 'fast');
    const clean = await c.meshdeck(['design', 'diff', '-f', shop]);
    assert.equal(clean.code, 0, clean.stdout);
  });

  it('shows that a secret changed, never its value', async () => {
    const patched = await c.kubectl([
      'patch',
      'secret',
      'creds',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"data":{"password":"c3dvcmRmaXNo"}}',
    ]);
    assert.equal(patched.code, 0, patched.stderr);
    const r = await c.meshdeck(['design', 'diff', '-f', shop]);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^- {2}password: "\*\*\* \(before\)"\n\+ {2}password: "\*\*\* \(after\)"$/m);
    assert.doesNotMatch(r.stdout, /c3dvcmRmaXNo|aHVudGVyMg|hunter2|swordfish/);
    assert.equal((await c.meshdeck(['design', 'apply', '-f', shop, '--force-conflicts'])).code, 0);
  });
});

describe('partial failure and designs by name', () => {
  it('applies the rest when an object is refused, lists every failure with where it is, and exits 1', async () => {
    const mixed = c.file(
      'mixed.yaml',
      `apiVersion: v1
kind: ConfigMap
metadata: {name: fine, namespace: shop}
data: {a: "1"}
---
apiVersion: v1
kind: Service
metadata: {name: bad-port, namespace: shop}
spec: {ports: [{port: 70000}]}
---
apiVersion: v1
kind: Service
metadata: {name: bad-type, namespace: shop}
spec: {type: Elsewhere, ports: [{port: 80}]}
`,
    );
    const r = await c.meshdeck(['design', 'apply', '-f', mixed]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^configmap\/fine -n shop created$/m);
    assert.match(r.stderr, /error: 2 of 3 objects failed to apply/);
    assert.match(
      r.stderr,
      new RegExp(`${mixed}:6:1: service/bad-port -n shop: .*spec\\.ports\\[0\\]\\.port`),
    );
    assert.match(r.stderr, new RegExp(`${mixed}:11:1: service/bad-type -n shop: .*spec\\.type`));
    assert.equal((await c.get(['configmap', 'fine', '-n', 'shop'])).data.a, '1');
    assert.equal(await c.get(['service', 'bad-port', '-n', 'shop']), undefined);
  });

  it('imports a design onto the provider, then applies and diffs it by name', async () => {
    const imported = await c.meshdeck(['design', 'import', '-f', shop, '--name', 'shop-copy']);
    assert.equal(imported.code, 0, imported.stderr);
    // Another design may not take objects "shop" owns...
    const taken = await c.meshdeck(['design', 'apply', 'shop-copy']);
    assert.equal(taken.code, 2, taken.stderr);
    assert.match(taken.stderr, /namespace\/shop belongs to design "shop"/);
    assert.match(taken.stderr, /hint: an object belongs to one design/);
    // ...unless told to.
    const r = await c.meshdeck(['design', 'apply', 'shop-copy', '--force-conflicts', '-o', 'yaml']);
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(r.stdout);
    assert.equal(doc.design.name, 'shop-copy');
    assert.equal(doc.items.length, 5);
    assert.match(doc.items[1].source, /^provider:designs\/shop-copy:\d+:\d+$/);
    assert.equal(
      (await c.get(['deployment', 'web', '-n', 'shop'])).metadata.labels['meshdeck.io/design'],
      'shop-copy',
    );
    const diff = await c.meshdeck(['design', 'diff', 'shop-copy']);
    assert.equal(diff.code, 0, diff.stdout);
  });
});
