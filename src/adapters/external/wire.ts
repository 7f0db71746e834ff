// From MeshService messages (field names as in meshops.proto) to the adapter interface's types, and the
// rule that tells when an operation has ended: Meshery's adapters return from ApplyOperation at once and
// report the outcome only as events with the operation's id, with no "finished" marker, so the end is the
// first ERROR event, or the first INFO/WARN event that is not a progress line ("Deploying",
// "Applying manifest...").
import type {
  AdapterEvent,
  ComponentInfo,
  EventSeverity,
  OperationCategory,
  OperationInfo,
} from '../types.js';

export interface WireSupportedOperation {
  key: string;
  value: string;
  category: string | number;
}

export interface WireEvent {
  event_type: string | number;
  summary: string;
  details: string;
  operation_id: string;
  probable_cause: string;
  suggested_remediation: string;
  error_code: string;
  component: string;
  component_name: string;
}

export interface WireComponentInfo {
  type: string;
  name: string;
  version: string;
  git_sha: string;
  properties: Record<string, string>;
}

const CATEGORIES: Record<string, OperationCategory> = {
  INSTALL: 'install',
  SAMPLE_APPLICATION: 'sample-application',
  CONFIGURE: 'configure',
  VALIDATE: 'validate',
  CUSTOM: 'custom',
};
const SEVERITIES: Record<string, EventSeverity> = { INFO: 'info', WARN: 'warn', ERROR: 'error' };

export const WIRE_CATEGORY: Record<OperationCategory, string> = Object.fromEntries(
  Object.entries(CATEGORIES).map(([k, v]) => [v, k]),
) as Record<OperationCategory, string>;
export const WIRE_SEVERITY: Record<EventSeverity, string> = { info: 'INFO', warn: 'WARN', error: 'ERROR' };

export function operationFromWire(op: WireSupportedOperation): OperationInfo {
  // SupportedOperation carries no versions on the wire: an external adapter's operations take any.
  return {
    key: op.key,
    description: op.value,
    category: CATEGORIES[String(op.category)] ?? 'custom',
    versions: [],
  };
}

export function eventFromWire(e: WireEvent, at = new Date()): AdapterEvent {
  const optional = (v: string) => (v ? v : undefined);
  return {
    operationId: e.operation_id,
    // An event type this client does not know is treated as a warning: shown, never a silent success.
    severity: SEVERITIES[String(e.event_type)] ?? 'warn',
    summary: e.summary,
    details: optional(e.details),
    probableCause: optional(e.probable_cause),
    suggestedRemediation: optional(e.suggested_remediation),
    errorCode: optional(e.error_code),
    component: optional(e.component),
    componentName: optional(e.component_name),
    at: at.toISOString(),
  };
}

export function componentInfoFromWire(info: WireComponentInfo): ComponentInfo {
  return {
    type: info.type,
    name: info.name,
    version: info.version,
    ...(info.git_sha ? { gitSha: info.git_sha } : {}),
    properties: { ...info.properties },
  };
}

/** Whether this event ends its operation (see the file comment). */
export function endsOperation(event: AdapterEvent): boolean {
  if (event.severity === 'error') return true;
  const summary = event.summary.trim();
  const progress = summary === '' || /(\.\.\.|…)$/.test(summary) || /^[A-Za-z]+ing\b/.test(summary);
  return !progress;
}
