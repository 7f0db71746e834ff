// `--in-cluster`: the load comes from a Job of generator pods in the context's cluster (namespace: -n or
// the context's), not from this machine. This wires the Kubernetes-backed fleet and metrics sampler into
// the perf domain's distributed run, which splits, streams, merges exactly and cleans up.
import type { Invocation } from '../../shared/invocation.js';
import type { LoadRunner } from '../../shared/perf-run.js';
import type { InClusterOptions } from '../../shared/flags/perf-cluster-parse.js';
import { runDistributed } from '../../../perf/cluster/distributed.js';
import { KubeFleet } from './fleet.js';
import { describeTarget, metricsSampler, type ResolvedTarget } from './target.js';

/** Grace beyond the run's own length before the Job's activeDeadlineSeconds ends it. */
const DEADLINE_SLACK_S = 300;

export function inClusterRunner(inv: Invocation, o: InClusterOptions): LoadRunner {
  return async (spec, meta, ctx) => {
    const connection = await inv.factory.cluster();
    try {
      const client = connection.client;
      let target: ResolvedTarget = { mesh: { pods: [], mesh: null, injected: false } };
      try {
        target = await describeTarget(client, spec.url);
      } catch (err) {
        ctx.warn(`the target's mesh is not recorded: ${(err as Error).message}`);
      }
      const { sampler, reason } = await metricsSampler(client, target);
      if (reason) ctx.warn(`resource usage not recorded: ${reason}`);
      const service = target.mesh.service;
      inv.log.info(
        `generating load from ${o.replicas} pod${o.replicas === 1 ? '' : 's'} in namespace ${client.namespace}` +
          (service
            ? `; target: service ${service.namespace}/${service.name} (${target.mesh.mesh ?? 'no mesh'})`
            : ''),
      );
      const fleet = new KubeFleet(connection, () => inv.factory.cluster({ uninterruptible: true }), {
        namespace: client.namespace,
        image: o.image,
        pullPolicy: o.pullPolicy,
        nodeSelector: o.nodeSelector,
        keep: o.keep,
        deadlineSeconds:
          spec.durationMs !== null
            ? Math.ceil((spec.warmupMs + spec.durationMs) / 1000) + DEADLINE_SLACK_S
            : undefined,
      });
      return await runDistributed(spec, meta, fleet, {
        replicas: o.replicas,
        signal: ctx.signal ?? inv.signal,
        onProgress: ctx.onProgress,
        warn: ctx.warn,
        status: (m) => inv.log.info(m),
        debug: (m) => inv.log.debug(m),
        target: target.mesh,
        sampler,
        image: o.image,
      });
    } finally {
      connection.close();
    }
  };
}
