// Admission webhooks for tests: a CA and server certificates made with openssl, and a real HTTPS
// server that answers AdmissionReviews with a function of the request (and records what it got).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  cert: string;
  /** The CA certificate, base64 of the PEM, as caBundle wants it. */
  bundle: string;
  /** A server certificate and key for these DNS names and IP addresses. */
  serverCert(names: string[]): { cert: string; key: string };
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

export function testCa(name = 'webhook-test-ca'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-webhook-ca-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', `/CN=${name}`, '-days', '2'],
    dir,
  );
  const cert = readFileSync(join(dir, 'ca.crt'), 'utf8');
  let n = 0;
  return {
    cert,
    bundle: Buffer.from(cert).toString('base64'),
    serverCert(names) {
      const base = `server${++n}`;
      const san = names.map((x) => (/^[\d.]+$/.test(x) ? `IP:${x}` : `DNS:${x}`)).join(',');
      writeFileSync(join(dir, `${base}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
      openssl(
        ['req', '-new', ...ec, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${names[0]}`],
        dir,
      );
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${base}.csr`,
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-out',
          `${base}.crt`,
          '-days',
          '2',
          '-extfile',
          `${base}.ext`,
        ],
        dir,
      );
      return {
        cert: readFileSync(join(dir, `${base}.crt`), 'utf8'),
        key: readFileSync(join(dir, `${base}.key`), 'utf8'),
      };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface AdmissionRequestBody {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  requestKind: unknown;
  requestResource: unknown;
  name?: string;
  namespace?: string;
  operation: string;
  userInfo: { username: string; groups: string[] };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk arbitrary JSON
  object: Record<string, any> | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk arbitrary JSON
  oldObject: Record<string, any> | null;
  dryRun: boolean;
  options: Record<string, unknown> | null;
}

export interface WebhookAnswer {
  allowed?: boolean;
  status?: { code?: number; message?: string; reason?: string };
  patch?: unknown[];
  warnings?: string[];
}

/** One HTTPS server; each path is a webhook answering with its function. */
export class WebhookServer {
  readonly received: Array<{ path: string; request: AdmissionRequestBody; query: string }> = [];
  private handlers = new Map<string, (r: AdmissionRequestBody) => WebhookAnswer>();
  private server!: Server;
  port = 0;

  static async start(tls: { cert: string; key: string }): Promise<WebhookServer> {
    const w = new WebhookServer();
    w.server = createServer(tls, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'https://x');
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          request: AdmissionRequestBody;
        };
        w.received.push({ path: url.pathname, request: review.request, query: url.search });
        const handler = w.handlers.get(url.pathname) ?? ((): WebhookAnswer => ({ allowed: true }));
        const a = handler(review.request);
        const response: Record<string, unknown> = { uid: review.request.uid, allowed: a.allowed ?? true };
        if (a.status) response.status = a.status;
        if (a.warnings) response.warnings = a.warnings;
        if (a.patch) {
          response.patchType = 'JSONPatch';
          response.patch = Buffer.from(JSON.stringify(a.patch)).toString('base64');
        }
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
      });
    });
    await new Promise<void>((resolve) => w.server.listen(0, '127.0.0.1', resolve));
    w.port = (w.server.address() as AddressInfo).port;
    return w;
  }

  on(path: string, handler: (r: AdmissionRequestBody) => WebhookAnswer): void {
    this.handlers.set(path, handler);
  }

  url(path: string): string {
    return `https://127.0.0.1:${this.port}${path}`;
  }

  /** Requests a path received. */
  at(path: string): AdmissionRequestBody[] {
    return this.received.filter((r) => r.path === path).map((r) => r.request);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
