// The matrix table, the seeds' comparison: per configuration p50, p99, throughput, error rate and the
// sidecar's CPU and memory per 1,000 req/s, each with its change against the baseline (the first row).
import { perThousandRps } from '../cluster/overhead.js';
import { formatDelta } from '../result/format.js';
import { primaryLatency, type PerfResult } from '../result/model.js';

export interface MatrixRow {
  configuration: string;
  namespace: string;
  result_id: string;
  mesh: string | null;
  proxy_version: string | null;
  p50_ms: number | null;
  p99_ms: number | null;
  rps: number;
  error_rate: number;
  /** Sidecar CPU (millicores) per 1,000 req/s; null without a sidecar or without metrics. */
  sidecar_cpu_m_per_1k_rps: number | null;
  sidecar_memory_mib_per_1k_rps: number | null;
  /** The sidecar's numbers are the cluster's simulation (zeros), not measurements. */
  sidecar_simulated: boolean;
  /** Changes against the baseline, e.g. {p99_ms: "+12.5%"}; empty on the baseline's row. */
  deltas: Record<string, string>;
}

const COMPARED = [
  'p50_ms',
  'p99_ms',
  'rps',
  'error_rate',
  'sidecar_cpu_m_per_1k_rps',
  'sidecar_memory_mib_per_1k_rps',
] as const;

export function matrixRow(configuration: string, namespace: string, r: PerfResult): MatrixRow {
  const latency = primaryLatency(r);
  const sidecar = r.resources?.totals.sidecar;
  const hasSidecar = sidecar !== undefined && sidecar.containers > 0;
  return {
    configuration,
    namespace,
    result_id: r.id,
    mesh: r.cluster?.target?.mesh ?? null,
    proxy_version: r.cluster?.target?.proxy_version ?? null,
    p50_ms: latency?.p50 ?? null,
    p99_ms: latency?.p99 ?? null,
    rps: r.rate.achieved,
    error_rate: r.errors.rate,
    sidecar_cpu_m_per_1k_rps: hasSidecar ? perThousandRps(sidecar.cpu_m, r.rate.achieved) : null,
    sidecar_memory_mib_per_1k_rps: hasSidecar ? perThousandRps(sidecar.memory_mib, r.rate.achieved) : null,
    sidecar_simulated: hasSidecar && sidecar.simulated,
    deltas: {},
  };
}

/** Rows with their deltas against the first. */
export function withDeltas(rows: MatrixRow[]): MatrixRow[] {
  const base = rows[0];
  return rows.map((row, i) => {
    if (i === 0) return row;
    const deltas: Record<string, string> = {};
    for (const key of COMPARED) {
      const from = base[key];
      const to = row[key];
      if (from !== null && to !== null) deltas[key] = formatDelta(from, to);
      else if (to !== null) deltas[key] = 'new';
    }
    return { ...row, deltas };
  });
}
