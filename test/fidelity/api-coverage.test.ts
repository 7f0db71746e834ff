// Issue 17 class 5: the APIs a 1.32 cluster serves and clients assume. `kubectl api-resources` and
// `api-versions` list what kube-apiserver 1.32 lists (test/fixtures/kubernetes/api-resources-1.32.txt);
// `kubectl autoscale` and `get hpa` work (autoscaling/v1 and v2 share storage); the built-in priority
// classes and APIServices exist; CronJob schedules are validated and the controller creates Jobs;
// ValidatingAdmissionPolicy and its binding are stored.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { eventually, KUBECTL_VERSIONS } from './helpers.js';
import { sharedSandbox } from './shared-sandbox.js';
import { needPrograms, PYTHON_KUBERNETES } from '../helpers/programs.js';

const FIXTURE = new URL('../../../test/fixtures/kubernetes/api-resources-1.32.txt', import.meta.url);
const expectedResources = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'));

const shared = sharedSandbox();
const kubectl = (args: string[], version?: string) => shared.kubectl(args, version);

for (const version of KUBECTL_VERSIONS) {
  describe(`1.32 APIs with kubectl ${version}`, () => {
    const ns = `api-${version.replace('.', '-')}`;
    before(() => kubectl(['create', 'namespace', ns], version));

    it('api-resources and api-versions list what a 1.32 cluster lists', async () => {
      const got = (await kubectl(['api-resources'], version)).split('\n').filter(Boolean);
      assert.deepEqual(got, expectedResources);
      const versions = (await kubectl(['api-versions'], version)).split('\n').filter(Boolean);
      assert.ok(
        versions.includes('autoscaling/v1') && versions.includes('autoscaling/v2'),
        versions.join(' '),
      );
      assert.ok(
        versions.includes('flowcontrol.apiserver.k8s.io/v1') &&
          // metrics.k8s.io/v1beta1 is metrics-server's (aggregated) API: its only version.
          !versions.some((v) => /beta|alpha/.test(v) && v !== 'metrics.k8s.io/v1beta1'),
      );
    });

    it('kubectl autoscale creates an HPA that get hpa prints, readable as autoscaling/v1 and v2', async () => {
      await kubectl(['create', 'deployment', 'web', '-n', ns, '--image=nginx'], version);
      await kubectl(
        ['autoscale', 'deployment', 'web', '-n', ns, '--min', '1', '--max', '3', '--cpu-percent=70'],
        version,
      );
      const table = await kubectl(['get', 'hpa', '-n', ns], version);
      assert.match(table, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE/);
      assert.match(table, /web\s+Deployment\/web\s+cpu: <unknown>\/70%\s+1\s+3\s+0/);
      const v1 = JSON.parse(
        await kubectl(
          ['get', '--raw', `/apis/autoscaling/v1/namespaces/${ns}/horizontalpodautoscalers/web`],
          version,
        ),
      );
      assert.equal(v1.spec.targetCPUUtilizationPercentage, 70);
      const v2 = JSON.parse(
        await kubectl(
          ['get', '--raw', `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers/web`],
          version,
        ),
      );
      assert.deepEqual(v2.spec.metrics, [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ]);
    });

    it('the built-in priority classes and an APIService per group version exist', async () => {
      const pcs = await kubectl(
        ['get', 'priorityclasses', '-o', 'custom-columns=N:.metadata.name,V:.value', '--no-headers'],
        version,
      );
      assert.match(pcs, /system-cluster-critical\s+2000000000/);
      assert.match(pcs, /system-node-critical\s+2000001000/);
      const apis = await kubectl(['get', 'apiservices'], version);
      assert.match(apis, /v1\.apps\s+Local\s+True/);
      assert.match(apis, /v2\.autoscaling\s+Local\s+True/);
    });

    it('CronJob schedules are validated as the apiserver does', async () => {
      const bad = await shared.h.run(
        ['create', 'cronjob', 'bad', '-n', ns, '--image=busybox', '--schedule=61 * * * *'],
        { version },
      );
      assert.equal(bad.code, 1);
      assert.match(
        bad.stderr,
        /spec\.schedule: Invalid value: "61 \* \* \* \*": end of range \(61\) above maximum \(59\)/,
      );
      const tz = await shared.h.run(['create', '-f', '-'], {
        version,
        input: JSON.stringify({
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'tz', namespace: ns },
          spec: {
            schedule: '@daily',
            timeZone: 'Mars/Olympus',
            jobTemplate: {
              spec: {
                template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
              },
            },
          },
        }),
      });
      assert.equal(tz.code, 1);
      assert.match(tz.stderr, /spec\.timeZone: Invalid value: "Mars\/Olympus": unknown time zone/);
    });
  });
}

it('the CronJob controller creates Jobs on schedule (sandbox time scale)', async () => {
  await kubectl(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/1 * * * *', '--', 'date']);
  const jobs = await eventually(
    async () => {
      const out = JSON.parse(await kubectl(['get', 'jobs', '-o', 'json'])) as {
        items: Array<{
          metadata: {
            name: string;
            ownerReferences: Array<{ kind: string }>;
            annotations: Record<string, string>;
          };
        }>;
      };
      const mine = out.items.filter((j) => j.metadata.name.startsWith('tick-'));
      return mine.length >= 2 ? mine : undefined;
    },
    20_000,
    'two jobs of the CronJob',
  );
  assert.equal(jobs[0].metadata.ownerReferences[0].kind, 'CronJob');
  assert.ok(jobs[0].metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']);
  const cj = JSON.parse(await kubectl(['get', 'cronjob', 'tick', '-o', 'json']));
  assert.ok(
    Date.parse(cj.status.lastScheduleTime) <= Date.now() + 1000,
    'lastScheduleTime is not in the future',
  );
});

it('ValidatingAdmissionPolicy and its binding are registered and stored', async () => {
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: 'replicas' },
    spec: {
      matchConstraints: {
        resourceRules: [
          { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] },
        ],
      },
      validations: [{ expression: 'object.spec.replicas <= 5' }],
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: 'replicas' },
    spec: { policyName: 'replicas', validationActions: ['Deny'] },
  };
  await shared.h.run(['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [policy, binding] }),
  });
  const got = JSON.parse(await kubectl(['get', 'validatingadmissionpolicy', 'replicas', '-o', 'json']));
  assert.equal(got.spec.failurePolicy, 'Fail');
  assert.equal(got.spec.matchConstraints.matchPolicy, 'Equivalent');
  assert.match(await kubectl(['get', 'validatingadmissionpolicybindings']), /replicas\s+replicas\s+<unset>/);
});

it('the Python client reads HPAs through autoscaling/v1 and v2, priority classes and CronJobs', async (t) => {
  if (!needPrograms(t, PYTHON_KUBERNETES)) return;
  const r = await shared.ts.home().python(`
import json
from kubernetes import client, config
config.load_kube_config()
v1 = client.AutoscalingV1Api()
hpa = client.V1HorizontalPodAutoscaler(metadata=client.V1ObjectMeta(name="py"), spec=client.V1HorizontalPodAutoscalerSpec(
    scale_target_ref=client.V1CrossVersionObjectReference(api_version="apps/v1", kind="Deployment", name="x"),
    min_replicas=1, max_replicas=4, target_cpu_utilization_percentage=60))
v1.create_namespaced_horizontal_pod_autoscaler("default", hpa)
v2 = client.ApiClient().call_api("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/py", "GET",
    response_type="object", _return_http_data_only=True, auth_settings=["BearerToken"])
pcs = sorted(p.metadata.name for p in client.SchedulingV1Api().list_priority_class().items)
try:
    client.BatchV1Api().create_namespaced_cron_job("default", client.V1CronJob(metadata=client.V1ObjectMeta(name="pybad"),
        spec=client.V1CronJobSpec(schedule="not a schedule", job_template=client.V1JobTemplateSpec(spec=client.V1JobSpec(
            template=client.V1PodTemplateSpec(spec=client.V1PodSpec(restart_policy="Never", containers=[client.V1Container(name="c", image="busybox")])))))))
    bad = None
except client.exceptions.ApiException as e:
    bad = e.status
print(json.dumps({"util": v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], "pcs": pcs, "bad": bad}))
`);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { util: number; pcs: string[]; bad: number };
  assert.equal(out.util, 60);
  assert.ok(
    out.pcs.includes('system-cluster-critical') && out.pcs.includes('system-node-critical'),
    r.stdout,
  );
  assert.equal(out.bad, 422);
});
