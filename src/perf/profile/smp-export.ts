// A profile as an SMP test configuration, in the {test, mesh} envelope mesheryctl's `perf apply -f` reads
// (protocol and mesh type as the spec's enum numbers, which Go's YAML decoding of the generated types needs).
import type { PerfProfile } from '../store/types.js';
import { formatDuration } from '../../core/duration.js';
import { RUN_DEFAULTS } from '../spec/run-spec.js';
import { SMP_VERSION } from '../result/model.js';
import { meshEnumFromName } from './mesh-enum.js';

const PROTOCOL_HTTP = 1;

export interface SmpTestConfigFile {
  test: {
    smp_version: string;
    id: string;
    name: string;
    labels: Record<string, string>;
    clients: Array<{
      internal: boolean;
      load_generator: string;
      protocol: number;
      connections: number;
      rps: number;
      headers: Record<string, string>;
      cookies: Record<string, string>;
      body: string;
      content_type: string;
      endpoint_urls: string[];
      ssl_certificate: string;
      additional_options: string;
    }>;
    duration: string;
  };
  mesh: { type: number };
}

export function toSmpConfig(p: PerfProfile): SmpTestConfigFile {
  const s = p.settings;
  const headers: Record<string, string> = {};
  let contentType = '';
  for (const [name, value] of s.headers ?? []) {
    if (name.toLowerCase() === 'content-type') contentType = value;
    else headers[name] = value;
  }
  const durationMs = s.duration_ms ?? (s.requests ? null : RUN_DEFAULTS.durationMs);
  return {
    test: {
      smp_version: SMP_VERSION,
      id: p.id,
      name: p.name,
      labels: { ...p.labels },
      clients: [
        {
          internal: false,
          load_generator: s.load_generator ?? RUN_DEFAULTS.loadGenerator,
          protocol: PROTOCOL_HTTP,
          connections: s.connections ?? RUN_DEFAULTS.connections,
          rps: s.rate ?? 0,
          headers,
          cookies: {},
          body: s.body ?? '',
          content_type: contentType,
          endpoint_urls: s.url ? [s.url] : [],
          ssl_certificate: s.ca ?? '',
          additional_options: p.additional_options,
        },
      ],
      duration: durationMs === null ? '' : formatDuration(durationMs),
    },
    mesh: { type: meshEnumFromName(p.mesh) },
  };
}
