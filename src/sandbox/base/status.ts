// Kubernetes Status errors, worded as a real apiserver words them (apimachinery's errors.go), because
// kubectl prints the message verbatim and clients branch on reason and code.
import { text } from './paths.js';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Names a resource as the apiserver does in messages: "pods", "deployments.apps". */
export interface QualifiedResource {
  group: string;
  resource: string;
}

export function qualified(gr: QualifiedResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: QualifiedResource | undefined, name?: string, extra: StatusDetails = {}): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gr?.group) d.group = gr.group;
  if (gr?.resource) d.kind = gr.resource;
  return { ...d, ...extra };
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** Extra response headers (Retry-After, Warning). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    // The apiserver writes `details: {}` for some errors and no details for others; keep what was given.
    if (this.details) body.details = this.details;
    return body;
  }
}

export const Errors = {
  notFound(gr: QualifiedResource, name: string): StatusError {
    return new StatusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, details(gr, name));
  },
  /** A path the server does not serve at all. */
  pathNotFound(): StatusError {
    return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  },
  alreadyExists(gr: QualifiedResource, name: string): StatusError {
    return new StatusError(
      409,
      'AlreadyExists',
      `${qualified(gr)} "${name}" already exists`,
      details(gr, name),
    );
  },
  conflict(gr: QualifiedResource, name: string, why: string): StatusError {
    return new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
      details(gr, name),
    );
  },
  modified(gr: QualifiedResource, name: string): StatusError {
    return Errors.conflict(
      gr,
      name,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  },
  /** 422: the message lists every cause; details.kind holds the Kind, not the resource. */
  invalid(kind: { group: string; kind: string }, name: string, causes: FieldError[]): StatusError {
    const qualifiedKind = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
    const texts = causes.map(fieldErrorText);
    const list = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
    const d: StatusDetails = { name, kind: kind.kind };
    if (kind.group) d.group = kind.group;
    d.causes = causes.map((c) => ({ reason: c.type, message: fieldErrorDetail(c), field: c.field }));
    return new StatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${list}`, d);
  },
  badRequest(message: string): StatusError {
    return new StatusError(400, 'BadRequest', message);
  },
  forbidden(gr: QualifiedResource | undefined, name: string | undefined, why: string): StatusError {
    const subject = gr?.resource
      ? name
        ? `${qualified(gr)} "${name}" is forbidden`
        : `${qualified(gr)} is forbidden`
      : 'forbidden';
    return new StatusError(403, 'Forbidden', `${subject}: ${why}`, details(gr, name));
  },
  unauthorized(): StatusError {
    return new StatusError(401, 'Unauthorized', 'Unauthorized');
  },
  methodNotSupported(gr: QualifiedResource, verb: string): StatusError {
    return new StatusError(
      405,
      'MethodNotAllowed',
      `${verb} is not supported on resources of kind "${qualified(gr)}"`,
      details(gr),
    );
  },
  methodNotAllowed(): StatusError {
    return new StatusError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
      {},
    );
  },
  unsupportedMediaType(contentType: string, accepted: string[]): StatusError {
    void contentType;
    return new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      {},
    );
  },
  notAcceptable(accepted: string[]): StatusError {
    return new StatusError(
      406,
      'NotAcceptable',
      `only the following media types are accepted: ${accepted.join(', ')}`,
      {},
    );
  },
  tooOld(requested: number, oldest: number): StatusError {
    return new StatusError(410, 'Expired', `too old resource version: ${requested} (${oldest})`, {});
  },
  continueExpired(): StatusError {
    return new StatusError(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      {},
    );
  },
  tooLarge(limit: number): StatusError {
    return new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`, {});
  },
  internal(message: string): StatusError {
    return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, {
      causes: [{ message }],
    });
  },
  tooManyRequests(retryAfterSeconds: number): StatusError {
    return new StatusError(
      429,
      'TooManyRequests',
      'Too many requests, please try again later.',
      { retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  },
  namespaceTerminating(gr: QualifiedResource, name: string, namespace: string): StatusError {
    const why = `unable to create new content in namespace ${namespace} because it is being terminated`;
    const err = Errors.forbidden(gr, name || undefined, why);
    err.details!.causes = [{ reason: 'NamespaceTerminating', message: why, field: 'metadata.namespace' }];
    return err;
  },
};

/** One field problem, as apimachinery's field.Error: the type decides the wording. */
export interface FieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTypeInvalid'
    | 'FieldValueTooLong';
  field: string;
  value?: unknown;
  detail?: string;
  /** For NotSupported: the allowed values. */
  allowed?: string[];
  /** The value as Go's %#v prints it, when the generic rendering cannot (a struct such as a LabelSelector). */
  valueText?: string;
}

function fieldErrorDetail(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired':
      return e.detail ? `Required value: ${e.detail}` : 'Required value';
    case 'FieldValueInvalid':
      return `Invalid value: ${e.valueText ?? renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueTypeInvalid':
      return `Invalid value: ${renderValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueNotSupported':
      return `Unsupported value: ${renderValue(e.value)}${
        e.allowed ? `: supported values: ${e.allowed.map((a) => JSON.stringify(a)).join(', ')}` : ''
      }`;
    case 'FieldValueDuplicate':
      return `Duplicate value: ${renderValue(e.value)}`;
    case 'FieldValueForbidden':
      return `Forbidden: ${e.detail ?? ''}`;
    case 'FieldValueTooLong':
      return `Too long: ${e.detail ?? ''}`;
  }
}

function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${fieldErrorDetail(e)}`;
}

function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null) return 'null';
  if (Array.isArray(v))
    return `[]${typeof v[0] === 'string' ? 'string' : 'interface {}'}{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  if (typeof v === 'object') {
    // Go's %#v of a map[string]string, as the apiserver prints label maps.
    const entries = Object.entries(v)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  return text(v);
}

export function isStatusError(err: unknown): err is StatusError {
  return err instanceof StatusError;
}
