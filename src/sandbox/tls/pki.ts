// The sandbox's own certificate authority: one CA, a server certificate for loopback, and client
// certificates minted for test identities (CN = user, O = groups, as the apiserver reads them).
//
// Keys are ECDSA P-256 from node:crypto (well under a millisecond each, against ~150 ms for RSA-2048),
// certificates are built with the DER encoders beside this file. Go's TLS (kubectl) and Node's TLS
// (client-node) both accept these certificates; the fidelity tests exercise both.
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der.js';

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

export interface KeyPairPem {
  /** PEM certificate. */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
}

export interface Authority extends KeyPairPem {
  privateKey: KeyObject;
  subject: Buffer;
  keyId: Buffer;
}

interface CertSpec {
  commonName: string;
  organizations?: string[];
  isCA?: boolean;
  serverNames?: string[];
  clientAuth?: boolean;
  serverAuth?: boolean;
  days: number;
}

function name(commonName: string, organizations: string[] = []): Buffer {
  const rdns = organizations.map((o) => der.set(der.sequence(der.oid(OID.organization), der.utf8(o))));
  rdns.push(der.set(der.sequence(der.oid(OID.commonName), der.utf8(commonName))));
  return der.sequence(...rdns);
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(id), ...(critical ? [der.bool(true)] : []), der.octetString(value));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand "::" then write eight 16-bit groups.
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g: string, i: number) => out.writeUInt16BE(Number.parseInt(g, 16), i * 2));
  return out;
}

function build(spec: CertSpec, issuer: Authority | undefined): Authority {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(spki).digest();
  const subject = name(spec.commonName, spec.organizations);
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const now = Date.now();
  const notBefore = new Date(now - 60 * 60 * 1000);
  const notAfter = new Date(now + spec.days * 24 * 60 * 60 * 1000);

  const usage = spec.isCA ? [0, 5, 6] : [0, 2]; // digitalSignature (+ keyCertSign, cRLSign | keyEncipherment)
  const extensions = [
    extension(OID.keyUsage, true, der.flagBits(usage)),
    extension(OID.basicConstraints, true, spec.isCA ? der.sequence(der.bool(true)) : der.sequence()),
    extension(OID.subjectKeyId, false, der.octetString(keyId)),
  ];
  const eku = [...(spec.serverAuth ? [OID.serverAuth] : []), ...(spec.clientAuth ? [OID.clientAuth] : [])];
  if (eku.length > 0) extensions.push(extension(OID.extKeyUsage, false, der.sequence(...eku.map(der.oid))));
  if (spec.serverNames?.length) {
    const names = spec.serverNames.map((n) =>
      isIP(n) ? der.implicit(7, ipBytes(n)) : der.implicit(2, Buffer.from(n, 'ascii')),
    );
    extensions.push(extension(OID.subjectAltName, false, der.sequence(...names)));
  }
  if (issuer)
    extensions.push(extension(OID.authorityKeyId, false, der.sequence(der.implicit(0, issuer.keyId))));

  const algorithm = der.sequence(der.oid(OID.ecdsaWithSha256));
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(serial),
    algorithm,
    issuer ? issuer.subject : subject,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    subject,
    spki,
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer ? issuer.privateKey : privateKey);
  const cert = der.sequence(tbs, algorithm, der.bitString(signature));
  return {
    cert: pem('CERTIFICATE', cert),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKey,
    subject,
    keyId,
  };
}

function pem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function createAuthority(commonName = 'meshdeck-sandbox-ca'): Authority {
  return build({ commonName, isCA: true, days: 3650 }, undefined);
}

/** Rebuilds an Authority from its PEM files (a persisted CA). */
export function loadAuthority(pair: KeyPairPem, subjectName = 'meshdeck-sandbox-ca'): Authority {
  const privateKey = createPrivateKey(pair.key);
  const x = new X509Certificate(pair.cert);
  const spki = x.publicKey.export({ type: 'spki', format: 'der' });
  return {
    ...pair,
    privateKey,
    subject: name(subjectName),
    keyId: createHash('sha1').update(spki).digest(),
  };
}

export function issueServerCert(ca: Authority, names: string[]): KeyPairPem {
  const { cert, key } = build(
    { commonName: 'meshdeck-sandbox', serverNames: names, serverAuth: true, days: 365 },
    ca,
  );
  return { cert, key };
}

export function issueClientCert(ca: Authority, user: string, groups: string[] = []): KeyPairPem {
  const { cert, key } = build({ commonName: user, organizations: groups, clientAuth: true, days: 365 }, ca);
  return { cert, key };
}
