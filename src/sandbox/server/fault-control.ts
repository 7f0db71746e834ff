// The control API over HTTP, for a sandbox running in another process (`meshdeck sandbox start
// --detach`): faults, dropped watches, a restart, readiness and the server's own request figures, under
// /sandbox/v1/ on the API port, for administrators (system:masters) only. kubectl reaches it with the
// admin kubeconfig: `kubectl get --raw /sandbox/v1/faults`, `kubectl create --raw /sandbox/v1/faults -f
// fault.json`, `kubectl delete --raw /sandbox/v1/faults/<id>`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Errors } from '../base/status.js';
import { isObject } from '../../kube/json.js';
import { decodeBody, readBody } from './body.js';
import { contentType } from './negotiate.js';
import { send } from './respond.js';
import { checkFaultSpec, type FaultSet } from '../faults/faults.js';

export const CONTROL_PREFIX = '/sandbox/v1';

export interface SandboxControl {
  faults: FaultSet;
  /** Ends open watches (cleanly, or abruptly by cutting their connections); returns how many. */
  dropWatches(abrupt: boolean): number;
  /** Restarts the listeners (same port, same data) once the answer is on its way. */
  restart(downMs: number): void;
  stats(): Record<string, unknown>;
  resetStats(): void;
  setReady(ready: boolean): void;
}

async function bodyOf(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (raw.length === 0 || raw.toString('utf8').trim() === '') return {};
  const body = decodeBody(raw, contentType(req.headers['content-type']) || 'application/json');
  if (!isObject(body)) throw Errors.badRequest('the request body must be a JSON object');
  return body;
}

function json(res: ServerResponse, code: number, value: unknown): void {
  send(res, code, JSON.stringify(value));
}

function numberField(body: Record<string, unknown>, key: string, fallback: number): number {
  const v = body[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw Errors.badRequest(`${key} must be a number of at least 0`);
  return v;
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  control: SandboxControl,
): Promise<void> {
  const method = req.method ?? 'GET';
  const rest = path.slice(CONTROL_PREFIX.length).replace(/\/+$/, '');
  const parts = rest.split('/').filter(Boolean);
  const allow = (...methods: string[]) => {
    if (!methods.includes(method)) throw Errors.methodNotAllowed();
  };
  switch (parts[0]) {
    case undefined:
      allow('GET');
      return json(res, 200, {
        kind: 'SandboxControl',
        endpoints: [
          'GET|POST|DELETE /sandbox/v1/faults',
          'GET|DELETE /sandbox/v1/faults/<id>',
          'POST /sandbox/v1/watches/drop {"abrupt": false}',
          'POST /sandbox/v1/restart {"downMs": 0}',
          'GET /sandbox/v1/stats',
          'POST /sandbox/v1/stats/reset',
          'POST /sandbox/v1/readiness {"ready": true}',
        ],
      });
    case 'faults': {
      if (parts.length === 1) {
        allow('GET', 'POST', 'DELETE');
        if (method === 'GET') return json(res, 200, { kind: 'FaultList', items: control.faults.list() });
        if (method === 'DELETE') {
          control.faults.clear();
          return json(res, 200, { kind: 'FaultList', items: [] });
        }
        const spec = await bodyOf(req);
        const problems = checkFaultSpec(spec);
        if (problems.length) throw Errors.badRequest(`invalid fault: ${problems.join('; ')}`);
        return json(res, 201, { kind: 'Fault', ...control.faults.add(spec) });
      }
      if (parts.length !== 2) throw Errors.pathNotFound();
      allow('GET', 'DELETE');
      const fault = control.faults.get(parts[1]);
      if (!fault) throw Errors.notFound({ group: 'sandbox.meshdeck.dev', resource: 'faults' }, parts[1]);
      if (method === 'DELETE') control.faults.remove(parts[1]);
      return json(res, 200, { kind: 'Fault', ...fault });
    }
    case 'watches':
      if (parts[1] !== 'drop' || parts.length !== 2) throw Errors.pathNotFound();
      allow('POST');
      {
        const body = await bodyOf(req);
        const dropped = control.dropWatches(body.abrupt === true);
        return json(res, 200, { kind: 'WatchesDropped', dropped });
      }
    case 'restart': {
      if (parts.length !== 1) throw Errors.pathNotFound();
      allow('POST');
      const downMs = numberField(await bodyOf(req), 'downMs', 0);
      json(res, 202, { kind: 'Restart', downMs });
      // Once the answer has left: the restart cuts every connection, this one included.
      res.once('finish', () => control.restart(downMs));
      return;
    }
    case 'stats':
      if (parts.length === 1) {
        allow('GET');
        return json(res, 200, { kind: 'SandboxStats', ...control.stats() });
      }
      if (parts[1] !== 'reset' || parts.length !== 2) throw Errors.pathNotFound();
      allow('POST');
      control.resetStats();
      return json(res, 200, { kind: 'SandboxStats', ...control.stats() });
    case 'readiness': {
      if (parts.length !== 1) throw Errors.pathNotFound();
      allow('POST', 'PUT');
      const body = await bodyOf(req);
      if (typeof body.ready !== 'boolean') throw Errors.badRequest('ready must be true or false');
      control.setReady(body.ready);
      return json(res, 200, { kind: 'Readiness', ready: body.ready });
    }
    default:
      throw Errors.pathNotFound();
  }
}
