// The Job controller: runs `parallelism` pods at a time until `completions` have succeeded, counting
// finished pods through the batch.kubernetes.io/job-tracking finalizer (so a deleted pod is never
// miscounted), retries failures with back-off until backoffLimit, honours activeDeadlineSeconds, suspend
// and ttlSecondsAfterFinished (scaled), and reports active/ready/succeeded/failed, startTime,
// completionTime and the SuccessCriteriaMet/Complete or FailureTarget/Failed conditions.
import type { ObjectService } from '../api/objects.js';
import { ControllerCreates, type CreateOutcome } from '../admission/controller-creates.js';
import { isStatusError } from '../base/status.js';
import type { EventRecorder } from '../cluster/events.js';
import type { Timing } from '../base/behaviour.js';
import { containerStatusesOf, isPodReady, restartPolicy } from '../base/pod-status.js';
import { getPath, timestamp } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import type { StoreEvent } from '../store/store.js';
import { controllerKeys, controllerOf, ownerReference, type OwnerIndex } from './owners.js';
import { Controller, keyOf, splitKey } from '../base/queue.js';
import {
  deleteOwnedPod,
  compactStatus,
  conditionsOf,
  findCondition,
  isActive,
  num,
  podFromTemplate,
  withCondition,
  writeStatus,
  type Condition,
  type Json,
} from './workload.js';

const JOBS = 'batch/jobs';
const PODS = '/pods';
export const JOB_TRACKING = 'batch.kubernetes.io/job-tracking';
const MANAGER = 'job-controller';
const MAX_BACKOFF_MS = 360_000;

const finished = (job: K8sObject) =>
  conditionsOf(job).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

export class JobController extends Controller {
  private lastFailure = new Map<string, number>();
  /** Pod creations through admission webhooks still under way. */
  private readonly creates: ControllerCreates;

  constructor(
    private readonly objects: ObjectService,
    private readonly owners: OwnerIndex,
    private readonly events: EventRecorder,
    private readonly timing: Timing,
    onError: (err: unknown) => void,
  ) {
    super(onError);
    this.creates = new ControllerCreates(objects, 'job-controller');
    // The apiserver gives a Job (without manualSelector) a selector on its own uid, and its template
    // the matching labels.
    objects.addHooks({
      beforeCreate: (rt, obj) => {
        if (rt.storageKey !== JOBS || getPath(obj, 'spec.manualSelector') === true) return;
        const uid = obj.metadata.uid!;
        const name = obj.metadata.name!;
        const labels = {
          'batch.kubernetes.io/controller-uid': uid,
          'batch.kubernetes.io/job-name': name,
          'controller-uid': uid,
          'job-name': name,
        };
        const spec = obj.spec as Json;
        if (!isObject(spec.selector))
          spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
        const template = isObject(spec.template) ? spec.template : (spec.template = {});
        const meta = isObject(template.metadata) ? template.metadata : (template.metadata = {});
        meta.labels = { ...(isObject(meta.labels) ? meta.labels : {}), ...labels };
      },
    });
    this.subscribe(objects.store.onEvent((e) => this.onEvent(e)));
    for (const e of objects.store.list(JOBS)) this.queue.add(keyOf(e.object));
    for (const e of objects.store.list(PODS))
      if (e.object.metadata.finalizers?.includes(JOB_TRACKING)) this.queue.add(`pod:${keyOf(e.object)}`);
  }

  private get jobType(): ResourceType {
    return this.objects.registry.get('batch', 'v1', 'jobs')!;
  }

  private get podType(): ResourceType {
    return this.objects.registry.get('', 'v1', 'pods')!;
  }

  private onEvent(e: StoreEvent): void {
    if (e.storageKey === JOBS) {
      if (e.type === 'DELETED') this.lastFailure.delete(e.object.metadata.uid!);
      else this.queue.add(keyOf(e.object));
      return;
    }
    if (e.storageKey !== PODS) return;
    for (const key of controllerKeys(e, 'Job')) this.queue.add(key);
    if (e.type !== 'DELETED' && e.object.metadata.finalizers?.includes(JOB_TRACKING))
      this.queue.add(`pod:${keyOf(e.object)}`);
  }

  protected sync(key: string): void {
    if (key.startsWith('pod:')) return this.syncOrphan(key.slice(4));
    const [namespace, name] = splitKey(key);
    const job = this.objects.find(this.jobType, namespace, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const pods = this.owners.owned(PODS, job.metadata.uid!);
    const status: Json = { ...(isObject(job.status) ? job.status : {}) };
    // Finished pods are counted once, then let go.
    for (const pod of pods) {
      const phase = getPath(pod, 'status.phase');
      const gone = pod.metadata.deletionTimestamp !== undefined;
      if (
        !pod.metadata.finalizers?.includes(JOB_TRACKING) ||
        (!gone && phase !== 'Succeeded' && phase !== 'Failed')
      )
        continue;
      if (phase === 'Succeeded') status.succeeded = num(status.succeeded) + 1;
      else {
        status.failed = num(status.failed) + 1;
        this.lastFailure.set(job.metadata.uid!, Date.now());
      }
      this.release(pod);
    }
    if (finished(job)) {
      this.write(job, status);
      return this.afterFinish(job);
    }
    const active = pods.filter(isActive);
    const spec = isObject(job.spec) ? job.spec : {};
    const now = this.objects.now();
    const completions =
      spec.completions === undefined || spec.completions === null ? undefined : num(spec.completions, 1);
    const parallelism = num(spec.parallelism, 1);
    const succeeded = num(status.succeeded);
    let conditions: Condition[] = conditionsOf(job);

    if (spec.suspend === true) {
      for (const pod of active) deleteOwnedPod(this.objects, this.events, job, pod, MANAGER);
      conditions = withCondition(
        conditions,
        { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' },
        now,
      );
      return this.write(job, { ...status, active: 0, ready: 0, conditions });
    }
    if (findCondition(job, 'Suspended')?.status === 'True')
      conditions = withCondition(
        conditions,
        { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' },
        now,
      );
    status.startTime ??= timestamp(now);

    const restartsCount =
      restartPolicy({ metadata: {}, spec: getPath(job, 'spec.template.spec') }) === 'OnFailure'
        ? active.reduce((n, p) => n + containerStatusesOf(p).reduce((m, c) => m + c.restartCount, 0), 0)
        : 0;
    const failures = num(status.failed) + restartsCount;
    const deadline = spec.activeDeadlineSeconds;
    const started = Date.parse(String(status.startTime));
    if (typeof deadline === 'number' && Date.now() - started >= this.timing.scaled(deadline * 1000))
      return this.fail(
        job,
        status,
        conditions,
        active,
        'DeadlineExceeded',
        'Job was active longer than specified deadline',
      );
    if (failures > num(spec.backoffLimit, 6))
      return this.fail(
        job,
        status,
        conditions,
        active,
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
      );

    const done = completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0;
    if (done) {
      conditions = withCondition(
        conditions,
        {
          type: 'SuccessCriteriaMet',
          status: 'True',
          reason: 'CompletionsReached',
          message: 'Reached expected number of succeeded pods',
        },
        now,
      );
      conditions = withCondition(
        conditions,
        {
          type: 'Complete',
          status: 'True',
          reason: 'CompletionsReached',
          message: 'Reached expected number of succeeded pods',
        },
        now,
      );
      this.events.record(
        job,
        { type: 'Normal', reason: 'Completed', message: 'Job completed' },
        { component: MANAGER },
      );
      return this.write(job, { ...status, active: 0, ready: 0, completionTime: timestamp(now), conditions });
    }

    const want =
      completions !== undefined
        ? Math.min(parallelism, completions - succeeded)
        : succeeded > 0
          ? 0
          : parallelism;
    const live = [...active];
    if (live.length > want)
      for (const pod of live.splice(want)) deleteOwnedPod(this.objects, this.events, job, pod, MANAGER);
    if (live.length < want) {
      const failedAt = this.lastFailure.get(job.metadata.uid!);
      const wait =
        failedAt !== undefined && num(status.failed) > 0
          ? failedAt +
            this.timing.scaled(Math.min(10_000 * 2 ** (num(status.failed) - 1), MAX_BACKOFF_MS)) -
            Date.now()
          : 0;
      if (wait > 0) this.queue.addAfter(keyOf(job), wait + 5);
      else for (let i = live.length + this.creates.pending(keyOf(job)); i < want; i++) this.createPod(job);
    }
    const fresh = this.owners.owned(PODS, job.metadata.uid!).filter(isActive);
    if (typeof deadline === 'number')
      this.queue.addAfter(keyOf(job), started + this.timing.scaled(deadline * 1000) - Date.now() + 5);
    this.write(job, { ...status, active: fresh.length, ready: fresh.filter(isPodReady).length, conditions });
  }

  private fail(
    job: K8sObject,
    status: Json,
    conditions: Condition[],
    active: K8sObject[],
    reason: string,
    message: string,
  ): void {
    const now = this.objects.now();
    for (const pod of active) deleteOwnedPod(this.objects, this.events, job, pod, MANAGER);
    let next = withCondition(conditions, { type: 'FailureTarget', status: 'True', reason, message }, now);
    next = withCondition(next, { type: 'Failed', status: 'True', reason, message }, now);
    this.events.record(job, { type: 'Warning', reason, message }, { component: MANAGER });
    this.write(job, { ...status, active: 0, ready: 0, conditions: next });
  }

  /** ttlSecondsAfterFinished: the finished job goes, its pods with it. */
  private afterFinish(job: K8sObject): void {
    const ttl = getPath(job, 'spec.ttlSecondsAfterFinished');
    if (typeof ttl !== 'number') return;
    const done = conditionsOf(job).find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    const at = Date.parse(String(done?.lastTransitionTime ?? '')) || Date.now();
    const left = at + this.timing.scaled(ttl * 1000) - Date.now();
    if (left > 0) {
      this.queue.addAfter(keyOf(job), left + 5);
      return;
    }
    try {
      this.objects.delete(this.jobType, job.metadata.namespace ?? '', job.metadata.name!, {
        propagationPolicy: 'Background',
        preconditions: { uid: job.metadata.uid },
      });
    } catch (err) {
      if (!isStatusError(err)) throw err;
    }
  }

  private write(job: K8sObject, status: Json): void {
    writeStatus(this.objects, this.jobType, job, compactStatus(status), MANAGER);
  }

  private createPod(job: K8sObject): void {
    const pod = podFromTemplate(getPath(job, 'spec.template'), ownerReference(job), {
      generateName: `${job.metadata.name}-`,
    });
    pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), JOB_TRACKING];
    const key = keyOf(job);
    const record = (o: CreateOutcome) => {
      if (o.created)
        return this.events.record(
          job,
          { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${o.created.metadata.name}` },
          { component: MANAGER },
        );
      if (!isStatusError(o.error)) throw o.error ?? new Error('a pod create ended without an outcome');
      this.events.record(
        job,
        { type: 'Warning', reason: 'FailedCreate', message: `Error creating: ${o.error.message}` },
        { component: MANAGER },
      );
    };
    const now = this.creates.create(
      key,
      this.podType,
      job.metadata.namespace ?? '',
      pod,
      { fieldManager: 'kube-controller-manager' },
      (later) => {
        record(later);
        this.queue.add(key);
      },
    );
    if (now) record(now);
  }

  /** Drops the tracking finalizer (the pod has been counted, or its job is gone). */
  private release(pod: K8sObject): void {
    this.objects.mutate(
      this.podType,
      pod.metadata.namespace ?? '',
      pod.metadata.name!,
      (o) => {
        if (o.metadata.uid !== pod.metadata.uid || !o.metadata.finalizers?.includes(JOB_TRACKING))
          return undefined;
        const finalizers = o.metadata.finalizers.filter((f) => f !== JOB_TRACKING);
        const meta: K8sObject['metadata'] = { ...o.metadata, finalizers };
        if (finalizers.length === 0) delete meta.finalizers;
        return { ...o, metadata: meta };
      },
      MANAGER,
    );
  }

  /** A tracked pod whose job is gone (or being deleted) is let go, so it can be deleted. */
  private syncOrphan(key: string): void {
    const [namespace, name] = splitKey(key);
    const pod = this.objects.find(this.podType, namespace, name);
    if (!pod?.metadata.finalizers?.includes(JOB_TRACKING)) return;
    const ref = controllerOf(pod);
    const job = ref ? this.objects.find(this.jobType, namespace, ref.name) : undefined;
    if (!job || job.metadata.uid !== ref?.uid || job.metadata.deletionTimestamp || finished(job))
      this.release(pod);
  }
}
