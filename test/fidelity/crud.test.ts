// Spec §5 tests 8-18: apply (client-side and server-side), patches, conflicts, Status errors,
// validation, scale, paging and selectors, with kubectl and client-node.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, k8s, raw, testSandbox, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
before(async () => {
  ts = await testSandbox();
});
after(() => ts.stop());

const deployment = (name: string, image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - {name: c, image: ${image}}
      - {name: sidecar, image: busybox:1}
`;

const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
`;

describe('CRUD, patches and errors (fidelity 8-18)', () => {
  it('8: kubectl apply twice: POST then a strategic merge patch with $setElementOrder', async () => {
    const h = ts.home();
    const file = h.file('d.yaml', deployment('web8', 'nginx:1.25'));
    const first = await h.run(['apply', '-f', file]);
    assert.equal(first.stdout, 'deployment.apps/web8 created\n', first.stderr);
    assert.ok(
      ts.requests.some(
        (q) =>
          q.method === 'POST' &&
          q.url.includes('/deployments?fieldManager=kubectl-client-side-apply') &&
          q.status === 201,
      ),
    );
    h.file('d.yaml', deployment('web8', 'nginx:1.26'));
    const second = await h.run(['apply', '-f', file, '-v=9']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^deployment\.apps\/web8 configured$/m);
    assert.match(second.stderr, /strategic-merge-patch\+json/);
    assert.match(second.stderr, /\$setElementOrder\/containers/);
    const live = JSON.parse((await h.run(['get', 'deploy', 'web8', '-o', 'json'])).stdout);
    assert.deepEqual(
      live.spec.template.spec.containers.map((c: { image: string }) => c.image),
      ['nginx:1.26', 'busybox:1'],
    );
    const lastApplied = JSON.parse(
      live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'],
    );
    assert.equal(lastApplied.spec.template.spec.containers[0].image, 'nginx:1.26');
    assert.equal(live.metadata.generation, 2);
  });

  it('9: a custom resource is re-applied with a merge patch; a strategic merge patch to it is 415', async () => {
    const h = ts.home();
    assert.equal((await h.run(['apply', '-f', h.file('crd.yaml', WIDGET_CRD)])).code, 0);
    const cr = (size: number) =>
      `apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1}\nspec: {size: ${size}}\n`;
    assert.equal(
      (await h.run(['apply', '-f', h.file('g.yaml', cr(1))])).stdout,
      'gadget.example.com/g1 created\n',
    );
    const before = ts.requests.length;
    const r = await h.run(['apply', '-f', h.file('g.yaml', cr(2))]);
    assert.equal(r.stdout, 'gadget.example.com/g1 configured\n', r.stderr);
    const patch = ts.requests.slice(before).find((q) => q.method === 'PATCH');
    assert.equal(patch?.contentType, 'application/merge-patch+json');
    const smp = await raw(ts, '/apis/example.com/v1/namespaces/default/gadgets/g1', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
      body: '{"spec":{"size":3}}',
    });
    assert.equal(smp.status, 415);
    assert.deepEqual(
      { reason: smp.json().reason, message: smp.json().message },
      {
        reason: 'UnsupportedMediaType',
        message:
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      },
    );
  });

  it('10: kubectl apply --server-side records manager kubectl with operation Apply', async () => {
    const h = ts.home();
    const r = await h.run([
      'apply',
      '--server-side',
      '-f',
      h.file('d.yaml', deployment('web10', 'nginx:1.25')),
    ]);
    assert.equal(r.stdout, 'deployment.apps/web10 serverside-applied\n', r.stderr);
    const live = JSON.parse(
      (await h.run(['get', 'deploy', 'web10', '-o', 'json', '--show-managed-fields'])).stdout,
    );
    const entry = live.metadata.managedFields.find((m: { manager: string }) => m.manager === 'kubectl');
    assert.equal(entry.operation, 'Apply');
    assert.deepEqual(entry.fieldsV1['f:spec']['f:replicas'], {});
    assert.ok(entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"c"}']);
  });

  it('10: an unchanged kubectl apply --server-side stores nothing (same resourceVersion)', async () => {
    const h = ts.home();
    const file = h.file(
      'svc.yaml',
      `apiVersion: v1
kind: Service
metadata: {name: same10}
spec: {selector: {app: same10}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: same10}
data: {a: "1"}
`,
    );
    const versions = async () =>
      (await h.run(['get', 'svc/same10', 'cm/same10', '-o', 'jsonpath={.items[*].metadata.resourceVersion}']))
        .stdout;
    assert.equal((await h.run(['apply', '--server-side', '-f', file])).code, 0);
    const before = await versions();
    // managedFields times have seconds precision: a second later a careless server would restamp them.
    await new Promise((r) => setTimeout(r, 1100));
    const again = await h.run(['apply', '--server-side', '-f', file]);
    assert.equal(again.stdout, 'service/same10 serverside-applied\nconfigmap/same10 serverside-applied\n');
    assert.equal(await versions(), before);
  });

  it('11: a server-side apply conflict is 409 FieldManagerConflict; --force-conflicts takes the field', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(ts.kubeConfig());
    const spec = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web11', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web11' } },
        template: {
          metadata: { labels: { app: 'web11' } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    };
    await objects.patch(spec, undefined, undefined, 'manager-a', true, k8s.PatchStrategy.ServerSideApply);
    const h = ts.home();
    const file = h.file(
      'd.yaml',
      deployment('web11', 'nginx', 3).replace(/\n {6}- \{name: sidecar.*\n/, '\n'),
    );
    const conflict = await h.run(['apply', '--server-side', '-f', file]);
    assert.equal(conflict.code, 1);
    assert.match(
      conflict.stderr,
      /Apply failed with 1 conflict: conflict with "manager-a": \.spec\.replicas/,
    );
    const status = await raw(ts, '/apis/apps/v1/namespaces/default/deployments/web11?fieldManager=other', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: JSON.stringify({ ...spec, spec: { ...spec.spec, replicas: 5 } }),
    });
    assert.equal(status.status, 409);
    assert.deepEqual(status.json().details.causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "manager-a"', field: '.spec.replicas' },
    ]);
    const forced = await h.run(['apply', '--server-side', '--force-conflicts', '-f', file]);
    assert.equal(forced.stdout, 'deployment.apps/web11 serverside-applied\n', forced.stderr);
    const live = await objects.read<k8s.V1Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web11', namespace: 'default' },
    });
    assert.equal(live.spec?.replicas, 3);
    const a = live.metadata?.managedFields?.find((m) => m.manager === 'manager-a');
    assert.equal(
      (a?.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']['f:replicas'],
      undefined,
      'manager-a lost .spec.replicas',
    );
  });

  it('12: kubectl replace of a stale object is a Conflict', async () => {
    const h = ts.home();
    await h.run(['create', 'configmap', 'stale', '--from-literal=a=1']);
    const stale = (await h.run(['get', 'cm', 'stale', '-o', 'json'])).stdout;
    await h.run(['label', 'cm', 'stale', 'touched=yes']);
    const r = await h.run(['replace', '-f', h.file('stale.json', stale)]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      `Error from server (Conflict): error when replacing "${h.root}/stale.json": Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again`,
    );
  });

  it('13: AlreadyExists and NotFound as kubectl prints them', async () => {
    const h = ts.home();
    const file = h.file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup}\n');
    assert.equal((await h.run(['create', '-f', file])).code, 0);
    const dup = await h.run(['create', '-f', file]);
    assert.equal(dup.code, 1);
    assert.equal(
      dup.stderr.trim(),
      `Error from server (AlreadyExists): error when creating "${file}": configmaps "dup" already exists`,
    );
    const missing = await h.run(['get', 'pod', 'nope']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
  });

  it('14: a Deployment without selector is 422 Invalid with spec.selector first', async () => {
    const apps = ts.kubeConfig().makeApiClient(k8s.AppsV1Api);
    const err = await apps
      .createNamespacedDeployment({
        namespace: 'default',
        body: {
          metadata: { name: 'nosel' },
          spec: {
            template: {
              metadata: { labels: { app: 'x' } },
              spec: { containers: [{ name: 'c', image: 'nginx' }] },
            },
          } as unknown as k8s.V1DeploymentSpec,
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e as k8s.ApiException<string>,
      );
    assert.ok(err, 'the create should fail');
    assert.equal(err.code, 422);
    const status = JSON.parse(err.body);
    assert.equal(status.reason, 'Invalid');
    assert.equal(status.details.causes[0].field, 'spec.selector');
    assert.equal(status.details.causes[0].reason, 'FieldValueRequired');
    assert.match(status.message, /^Deployment\.apps "nosel" is invalid: \[spec\.selector: Required value, /);
  });

  it('15: client-node patches with JSON patch (its default) and with merge patch', async () => {
    const apps = ts.kubeConfig().makeApiClient(k8s.AppsV1Api);
    const h = ts.home();
    await h.run(['apply', '-f', h.file('d.yaml', deployment('web15', 'nginx:1'))]);
    const patched = await apps.patchNamespacedDeployment({
      name: 'web15',
      namespace: 'default',
      body: [{ op: 'replace', path: '/spec/replicas', value: 4 }],
    });
    assert.equal(patched.spec?.replicas, 4);
    const merged = await apps.patchNamespacedDeployment(
      { name: 'web15', namespace: 'default', body: { metadata: { labels: { patched: 'merge' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.equal(merged.metadata?.labels?.patched, 'merge');
    assert.equal(merged.spec?.replicas, 4);
    const failed = await apps
      .patchNamespacedDeployment({
        name: 'web15',
        namespace: 'default',
        body: [{ op: 'test', path: '/spec/replicas', value: 9 }],
      })
      .then(
        () => undefined,
        (e: unknown) => e as k8s.ApiException<string>,
      );
    assert.equal(failed?.code, 422);
  });

  it('16: kubectl scale gets a Scale back; rollout restart bumps the generation and makes a new ReplicaSet', async () => {
    const h = ts.home();
    await h.run(['apply', '-f', h.file('d.yaml', deployment('web16', 'nginx:1'))]);
    const scaled = await h.run(['scale', 'deploy/web16', '--replicas=3']);
    assert.equal(scaled.stdout, 'deployment.apps/web16 scaled\n', scaled.stderr);
    const scale = await eventually(
      async () => {
        const s = (await raw(ts, '/apis/apps/v1/namespaces/default/deployments/web16/scale')).json();
        return s.status.replicas === 3 ? s : undefined;
      },
      10_000,
      'three replicas',
    );
    assert.deepEqual(
      { kind: scale.kind, apiVersion: scale.apiVersion, spec: scale.spec, status: scale.status },
      {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 3 },
        status: { replicas: 3, selector: 'app=web16' },
      },
    );
    const gen = async () =>
      Number((await h.run(['get', 'deploy', 'web16', '-o', 'jsonpath={.metadata.generation}'])).stdout);
    const before = await gen();
    const restart = await h.run(['rollout', 'restart', 'deploy/web16']);
    assert.equal(restart.stdout, 'deployment.apps/web16 restarted\n', restart.stderr);
    assert.equal(await gen(), before + 1);
    const status = await h.run(['rollout', 'status', 'deploy/web16', '--timeout=20s']);
    assert.match(status.stdout, /deployment "web16" successfully rolled out/, status.stderr);
    const rs = JSON.parse((await h.run(['get', 'rs', '-l', 'app=web16', '-o', 'json'])).stdout)
      .items as Array<{
      metadata: { annotations: Record<string, string> };
      spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> } } };
    }>;
    const byRevision = new Map(
      rs.map((r) => [r.metadata.annotations['deployment.kubernetes.io/revision'], r]),
    );
    assert.equal(byRevision.get('1')?.spec.replicas, 0);
    assert.equal(byRevision.get('2')?.spec.replicas, 3);
    assert.ok(byRevision.get('2')?.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']);
  });

  it('17: lists page with continue tokens, for kubectl and client-node', async () => {
    const h = ts.home();
    await h.run(['create', 'namespace', 'paging']);
    for (let i = 0; i < 7; i++) await h.run(['create', 'configmap', `cm-${i}`, '-n', 'paging']);
    const before = ts.requests.length;
    const r = await h.run(['get', 'cm', '-n', 'paging', '--chunk-size=2', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    const names = r.stdout.trim().split('\n');
    assert.deepEqual(names, [
      ...Array.from({ length: 7 }, (_, i) => `configmap/cm-${i}`),
      'configmap/kube-root-ca.crt',
    ]);
    const pages = ts.requests
      .slice(before)
      .filter((q) => q.url.startsWith('/api/v1/namespaces/paging/configmaps?'));
    assert.equal(pages.length, 4);
    assert.ok(pages.slice(1).every((q) => q.url.includes('continue=')));
    const core = ts.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const page = await core.listNamespacedConfigMap({ namespace: 'paging', limit: 2 });
    assert.equal(page.items.length, 2);
    assert.ok(page.metadata?._continue);
    assert.equal(page.metadata?.remainingItemCount, 6);
    const next = await core.listNamespacedConfigMap({
      namespace: 'paging',
      limit: 2,
      _continue: page.metadata._continue,
    });
    assert.deepEqual(
      next.items.map((c) => c.metadata?.name),
      ['cm-2', 'cm-3'],
    );
  });

  it('18: label and field selectors select the right sets; an unknown field is 400', async () => {
    const h = ts.home();
    await h.run(['create', 'namespace', 'sel']);
    // Pods that no node can take stay Pending; c-web runs.
    const pod = (name: string, labels: string, runs = false) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: sel, labels: {${labels}}}\nspec: {${runs ? '' : 'nodeSelector: {disk: none}, '}containers: [{name: c, image: nginx}]}\n---\n`;
    const file = h.file(
      'pods.yaml',
      pod('a-web', 'app: a, tier: web') +
        pod('b-db', 'app: b, tier: db') +
        pod('c-web', 'app: c, tier: web', true) +
        pod('b-canary', 'app: b, canary: "yes"'),
    );
    assert.equal((await h.run(['apply', '-f', file])).code, 0);
    await eventually(
      async () =>
        (await h.run(['get', 'pod', 'c-web', '-n', 'sel', '-o', 'jsonpath={.status.phase}'])).stdout ===
        'Running'
          ? true
          : undefined,
      10_000,
      'c-web running',
    );
    const names = async (...args: string[]) =>
      (await h.run(['get', 'pods', '-n', 'sel', '-o', 'name', ...args])).stdout
        .trim()
        .split('\n')
        .filter(Boolean);
    assert.deepEqual(await names('-l', 'app in (a,b),tier!=db'), ['pod/a-web', 'pod/b-canary']);
    assert.deepEqual(await names('-l', '!canary'), ['pod/a-web', 'pod/b-db', 'pod/c-web']);
    assert.deepEqual(await names('--field-selector', 'status.phase=Running'), ['pod/c-web']);
    const bad = await h.run(['get', 'pods', '-n', 'sel', '--field-selector', 'spec.bogus=x']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error from server \(BadRequest\): .*field label not supported: spec\.bogus/);
  });
});
