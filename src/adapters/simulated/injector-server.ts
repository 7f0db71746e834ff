// The simulated control plane's servers, run inside the sandbox as the control-plane pod's process
// (`meshdeck mesh simulate-injector`, hidden): the mesh's admission webhooks over HTTPS (the sidecar
// injector answers with a JSONPatch, every other webhook path of the mesh allows), and plain listeners on
// the container's other ports, so the pod becomes ready as the real one would. A Linkerd injector reads
// the namespace's annotations from the API server with the pod's service account token.
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { request as httpsRequest } from 'node:https';
import { once } from 'node:events';
import { INJECT_PATHS, injectionPatch, type InjectorSettings, type Pod } from './patches.js';

export interface InjectorServerOptions extends InjectorSettings {
  host: string;
  webhookPort: number;
  /** The container's other ports (readiness, xDS, ...): answered 200 on any path. */
  ports: number[];
  tls: { cert: string; key: string };
  /** The API server and a token allowed to read namespaces (needed by Linkerd's injector). */
  api?: { host: string; port: number; token: string; ca: string };
  log(line: string): void;
}

interface Review {
  request?: {
    uid?: string;
    kind?: { kind?: string };
    namespace?: string;
    operation?: string;
    object?: Pod;
  };
}

function getJson(o: InjectorServerOptions['api'] & object, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: o.host,
        port: o.port,
        path,
        ca: o.ca,
        servername: o.host,
        headers: { Authorization: `Bearer ${o.token}`, Accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300)
            return reject(new Error(`GET ${path}: ${res.statusCode} ${body}`));
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.end();
  });
}

async function namespaceAnnotations(o: InjectorServerOptions, ns: string): Promise<Record<string, string>> {
  if (!o.api) return {};
  const object = (await getJson(o.api, `/api/v1/namespaces/${encodeURIComponent(ns)}`)) as {
    metadata?: { annotations?: Record<string, string> };
  };
  return object.metadata?.annotations ?? {};
}

async function answer(o: InjectorServerOptions, path: string, review: Review): Promise<unknown> {
  const r = review.request ?? {};
  const response: Record<string, unknown> = { uid: r.uid ?? '', allowed: true };
  if (path === INJECT_PATHS[o.mesh] && r.kind?.kind === 'Pod' && r.operation === 'CREATE' && r.object) {
    const ns = r.namespace ?? r.object.metadata?.namespace ?? '';
    const patch = injectionPatch(r.object, o, {
      namespace: ns,
      namespaceAnnotations: o.mesh === 'linkerd' ? await namespaceAnnotations(o, ns) : undefined,
    });
    const pod = `${ns}/${r.object.metadata?.name ?? `${r.object.metadata?.generateName ?? ''}*`}`;
    if (patch) {
      response.patchType = 'JSONPatch';
      response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
      o.log(`injected ${pod}: ${o.proxyImage}`);
    } else o.log(`left ${pod} alone`);
  }
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/** Serves until the signal fires; resolves once every listener is closed. */
export async function serveInjector(o: InjectorServerOptions, signal: AbortSignal): Promise<void> {
  const webhook = createHttps({ cert: o.tls.cert, key: o.tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'POST') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
        return;
      }
      let review: Review;
      try {
        review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      } catch {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end('invalid AdmissionReview\n');
        return;
      }
      answer(o, path, review).then(
        (body) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body)),
        (err: Error) => {
          o.log(`webhook ${path} failed: ${err.message}`);
          res
            .writeHead(500, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ kind: 'Status', status: 'Failure', message: err.message, code: 500 }));
        },
      );
    });
  });
  const plain = o.ports
    .filter((p) => p !== o.webhookPort)
    .map(() => createHttp((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n')));
  const servers: Array<[Server, number]> = [
    [webhook, o.webhookPort],
    ...plain.map((s, i): [Server, number] => [s, o.ports.filter((p) => p !== o.webhookPort)[i]]),
  ];
  await Promise.all(
    servers.map(async ([s, port]) => {
      s.listen(port, o.host);
      await once(s, 'listening');
    }),
  );
  o.log(
    `simulated ${o.mesh} injector (revision ${o.revision}, proxy ${o.proxyImage}) serving https://${o.host}:${o.webhookPort}${INJECT_PATHS[o.mesh] ?? '/'}`,
  );
  if (!signal.aborted) await once(signal, 'abort');
  await Promise.all(
    servers.map(
      ([s]) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
}
