// The CronJob controller: creates a Job (named <cronjob>-<scheduled minutes since the epoch>, as
// upstream) at each scheduled time of spec.schedule in spec.timeZone (UTC when unset), honouring suspend,
// concurrencyPolicy (Allow, Forbid, Replace), startingDeadlineSeconds and the two history limits, and
// reports status.active, lastScheduleTime and lastSuccessfulTime. Schedules run on the sandbox's clock:
// with time scale s, a scheduled minute passes every 60 s × s of real time (from the controller's start).
import type { ObjectService } from '../api/objects.js';
import type { EventRecorder } from '../cluster/events.js';
import type { Timing } from '../base/behaviour.js';
import { getPath } from '../base/paths.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import { nextTime, parseSchedule } from '../resources/cron.js';
import { ownerReference } from './owners.js';
import { conditionsOf, writeStatus, type Json } from './workload.js';

const MANAGER = 'cronjob-controller';
const SCHEDULED = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const finishedAs = (job: K8sObject) =>
  conditionsOf(job).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;

export class CronJobController {
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private readonly cronJobs: ResourceType;
  private readonly jobs: ResourceType;

  constructor(
    private readonly objects: ObjectService,
    private readonly events: EventRecorder,
    private readonly timing: Timing,
    private readonly onError: (err: unknown) => void,
  ) {
    this.cronJobs = objects.registry.get('batch', 'v1', 'cronjobs')!;
    this.jobs = objects.registry.get('batch', 'v1', 'jobs')!;
    // Checked a few times per scheduled minute, at most every 50 ms of real time.
    this.timer = setInterval(() => this.syncAll(), Math.max(50, Math.min(1000, 10_000 * timing.scale)));
    this.timer.unref?.();
  }

  /** The sandbox clock: real time, sped up by 1/scale since the controller started. */
  now(): number {
    return this.toSandbox(Date.now());
  }

  private get scale(): number {
    return this.timing.scale > 0 ? this.timing.scale : 1;
  }
  private toSandbox(realMs: number): number {
    return this.startedAt + (realMs - this.startedAt) / this.scale;
  }
  /** Status times are written in real time, so kubectl's LAST SCHEDULE reads right. */
  private toReal(sandboxMs: number): number {
    return Math.round(this.startedAt + (sandboxMs - this.startedAt) * this.scale);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private syncAll(): void {
    for (const e of this.objects.store.list(this.cronJobs.storageKey)) {
      try {
        this.sync(e.object);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  private ownedJobs(cj: K8sObject): K8sObject[] {
    return this.objects.store
      .list(this.jobs.storageKey, cj.metadata.namespace)
      .map((e) => e.object)
      .filter((j) => j.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid && r.controller));
  }

  private sync(cj: K8sObject): void {
    if (cj.metadata.deletionTimestamp) return;
    const spec = (cj.spec ?? {}) as Json;
    const jobs = this.ownedJobs(cj);
    const active = jobs.filter((j) => !finishedAs(j));
    this.cleanHistory(cj, jobs);
    let lastSchedule = getPath(cj, 'status.lastScheduleTime') as string | undefined;
    if (spec.suspend !== true) {
      const schedule = parseSchedule(String(spec.schedule));
      const zone = typeof spec.timeZone === 'string' ? spec.timeZone : undefined;
      const since = this.toSandbox(
        Date.parse(lastSchedule ?? cj.metadata.creationTimestamp ?? iso(this.startedAt)),
      );
      const now = this.now();
      // The most recent missed time only, as upstream (earlier misses are not run).
      let due: number | undefined;
      for (
        let t = nextTime(schedule, since, zone);
        t !== undefined && t <= now;
        t = nextTime(schedule, t, zone)
      )
        due = t;
      const deadline =
        typeof spec.startingDeadlineSeconds === 'number' ? spec.startingDeadlineSeconds * 1000 : undefined;
      if (due !== undefined && (deadline === undefined || now - due <= deadline)) {
        if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
          // Skipped: retried at the next check while the active job runs.
        } else {
          if (spec.concurrencyPolicy === 'Replace')
            for (const j of active.splice(0))
              this.objects.delete(this.jobs, j.metadata.namespace ?? '', j.metadata.name!, {
                propagationPolicy: 'Background',
              });
          const job = this.createJob(cj, due);
          if (job) active.push(job);
          lastSchedule = iso(this.toReal(due));
        }
      } else if (due !== undefined) lastSchedule = iso(this.toReal(due));
    }
    this.writeStatus(cj, active, jobs, lastSchedule);
  }

  private createJob(cj: K8sObject, scheduled: number): K8sObject | undefined {
    const template = (getPath(cj, 'spec.jobTemplate') ?? {}) as Json;
    const meta = (isObject(template.metadata) ? template.metadata : {}) as Json;
    const name = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
    if (this.objects.find(this.jobs, cj.metadata.namespace ?? '', name)) return undefined;
    const job = this.objects.create(
      this.jobs,
      cj.metadata.namespace ?? '',
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          namespace: cj.metadata.namespace,
          labels: meta.labels,
          annotations: { ...((meta.annotations as object) ?? {}), [SCHEDULED]: iso(scheduled) },
          ownerReferences: [{ ...ownerReference(cj), controller: true, blockOwnerDeletion: true }],
        },
        spec: structuredClone(template.spec ?? {}),
      },
      { fieldManager: MANAGER },
    );
    this.events.record(
      cj,
      { type: 'Normal', reason: 'SuccessfulCreate', message: `Created job ${name}` },
      { component: MANAGER },
    );
    return job;
  }

  private cleanHistory(cj: K8sObject, jobs: K8sObject[]): void {
    const limits = {
      Complete: getPath(cj, 'spec.successfulJobsHistoryLimit'),
      Failed: getPath(cj, 'spec.failedJobsHistoryLimit'),
    };
    for (const kind of ['Complete', 'Failed'] as const) {
      const limit = typeof limits[kind] === 'number' ? limits[kind] : kind === 'Complete' ? 3 : 1;
      const done = jobs
        .filter((j) => finishedAs(j) === kind)
        .sort((a, b) =>
          String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)),
        );
      for (const j of done.slice(0, Math.max(0, done.length - limit)))
        this.objects.delete(this.jobs, j.metadata.namespace ?? '', j.metadata.name!, {
          propagationPolicy: 'Background',
        });
    }
  }

  private writeStatus(
    cj: K8sObject,
    active: K8sObject[],
    jobs: K8sObject[],
    lastSchedule: string | undefined,
  ): void {
    const succeeded = jobs
      .filter((j) => finishedAs(j) === 'Complete')
      .map((j) => getPath(j, 'status.completionTime') as string | undefined)
      .filter((t): t is string => !!t)
      .sort();
    const status: Json = {};
    if (active.length)
      status.active = active.map((j) => ({
        kind: 'Job',
        namespace: j.metadata.namespace,
        name: j.metadata.name,
        uid: j.metadata.uid,
        apiVersion: 'batch/v1',
        resourceVersion: j.metadata.resourceVersion,
      }));
    const lastSuccessful =
      succeeded.at(-1) ?? (getPath(cj, 'status.lastSuccessfulTime') as string | undefined);
    if (lastSchedule) status.lastScheduleTime = lastSchedule;
    if (lastSuccessful) status.lastSuccessfulTime = lastSuccessful;
    const before = JSON.stringify(cj.status ?? {});
    const comparable = (s: Json) =>
      JSON.stringify({ ...s, active: (s.active as Json[] | undefined)?.map((a) => a.uid) });
    if (comparable(JSON.parse(before) as Json) === comparable(status)) return;
    writeStatus(this.objects, this.cronJobs, cj, status, MANAGER);
  }
}
