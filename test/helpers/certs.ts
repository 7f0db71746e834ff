// Self-signed certificates made by the real openssl, with chosen validity dates (openssl ca -selfsign is
// the one openssl 3.0 command that takes a start and end date, so expired certificates can be made too).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONFIG = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
`;

/** "20200101000000Z" from a Date. */
function asn1Time(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** A PEM certificate for commonName valid from notBefore to notAfter. */
export function selfSignedCert(commonName: string, notBefore: Date, notAfter: Date): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-cert-'));
  try {
    writeFileSync(join(dir, 'ca.cnf'), CONFIG);
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    const run = (args: string[]) =>
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    run([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'k.pem',
      '-out',
      'r.csr',
      '-subj',
      `/CN=${commonName}`,
    ]);
    run([
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'k.pem',
      '-in',
      'r.csr',
      '-out',
      'c.pem',
      '-notext',
      '-startdate',
      asn1Time(notBefore),
      '-enddate',
      asn1Time(notAfter),
    ]);
    return readFileSync(join(dir, 'c.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const DAY = 24 * 60 * 60 * 1000;
export const validCert = (cn: string) =>
  selfSignedCert(cn, new Date(Date.now() - DAY), new Date(Date.now() + 365 * DAY));
export const expiredCert = (cn: string) =>
  selfSignedCert(cn, new Date(Date.now() - 400 * DAY), new Date(Date.now() - 30 * DAY));
