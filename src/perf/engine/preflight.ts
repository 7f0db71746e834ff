// Before any load: resolve the host once and open one connection (with the TLS handshake), so that the
// common mistakes (nothing listening, a typo in the host, a certificate the system does not trust) end
// the command at once with a clear error (exit 1) instead of a run full of connect errors.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { OperationError, errnoCode } from '../../core/errors.js';
import { openSocket, type TargetAddress } from './connection.js';

export interface TargetSpec {
  tls: boolean;
  hostname: string;
  port: number;
  insecure: boolean;
  ca: string | null;
}

export async function resolveTarget(spec: TargetSpec, connectTimeoutMs: number): Promise<TargetAddress> {
  const host = spec.hostname.replace(/^\[(.*)\]$/, '$1');
  let address = host;
  if (!isIP(host)) {
    try {
      address = (await lookup(host)).address;
    } catch (err) {
      throw new OperationError(`cannot resolve host "${host}" (${errnoCode(err) ?? 'DNS error'})`, {
        hint: 'check the host name in the URL, and that this machine can resolve it (DNS, /etc/hosts)',
        cause: err,
      });
    }
  }
  const target: TargetAddress = {
    tls: spec.tls,
    address,
    port: spec.port,
    servername: isIP(host) ? null : host,
    insecure: spec.insecure,
    ca: spec.ca,
  };
  await probe(target, host, connectTimeoutMs);
  return target;
}

function probe(t: TargetAddress, host: string, timeoutMs: number): Promise<void> {
  const where = `${host}:${t.port}${host === t.address ? '' : ` (${t.address})`}`;
  return new Promise((resolve, reject) => {
    // Called only from socket and timer events, after both exist.
    const done = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(
      () =>
        done(
          new OperationError(`connecting to ${where} timed out after ${timeoutMs} ms`, {
            hint: 'check that the address is reachable from here (firewall, VPN, port), or raise --timeout',
          }),
        ),
      timeoutMs,
    );
    const socket = openSocket(t, () => done());
    socket.once('error', (err: Error) => done(connectError(err, where, t.tls)));
  });
}

const CERT_PROBLEMS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME|HOSTNAME/;

function connectError(err: Error, where: string, tls: boolean): OperationError {
  const code = errnoCode(err) ?? '';
  if (code === 'ECONNREFUSED') {
    return new OperationError(`connection refused by ${where}`, {
      hint: 'is the server running and listening on that port?',
      cause: err,
    });
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') {
    return new OperationError(`cannot reach ${where} (${code})`, {
      hint: 'check the address, your network and any firewall between here and the target',
      cause: err,
    });
  }
  if (tls && CERT_PROBLEMS.test(code)) {
    return new OperationError(`TLS handshake with ${where} failed: ${err.message} (${code})`, {
      hint: 'pass --cacert FILE with the CA that signed the server certificate, or --insecure to skip verification',
      cause: err,
    });
  }
  if (tls) {
    return new OperationError(
      `TLS handshake with ${where} failed: ${err.message}${code ? ` (${code})` : ''}`,
      {
        hint: 'is the server speaking TLS on this port? Use http:// for plain HTTP',
        cause: err,
      },
    );
  }
  return new OperationError(`cannot connect to ${where}: ${err.message}${code ? ` (${code})` : ''}`, {
    cause: err,
  });
}
