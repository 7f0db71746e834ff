// The SMP PerformanceTestResult view of a result: exactly the fields of the spec's message
// (service-mesh-performance, protos/service_mesh_performance.proto), with its field names.
import type { PerfResult } from './model.js';

export interface SmpPerformanceTestResult {
  smp_version: string;
  id: string;
  labels: Record<string, string>;
  start_time: string;
  end_time: string;
  latencies_ms: PerfResult['latencies_ms'];
  actual_qps: number;
  details_uri: string;
  test_id: string;
  mesh_config_id: string;
  env_id: string;
}

export function toSmpResult(r: PerfResult): SmpPerformanceTestResult {
  return {
    smp_version: r.smp_version,
    id: r.id,
    labels: { ...r.labels, name: r.name, load_generator: r.load_generator.name, endpoint_url: r.test.url },
    start_time: r.start_time,
    end_time: r.end_time,
    latencies_ms: { ...r.latencies_ms },
    actual_qps: r.actual_qps,
    details_uri: r.details_uri,
    test_id: r.test_id,
    mesh_config_id: r.mesh_config_id,
    env_id: r.env_id,
  };
}
