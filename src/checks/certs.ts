// Certificates in PEM bundles (webhook caBundles, tls.crt of Secrets): parsed with node:crypto.
import { X509Certificate } from 'node:crypto';

export interface CertInfo {
  subject: string;
  notAfter: Date;
  notBefore: Date;
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle; throws when there is none or one does not parse. */
export function parsePemBundle(pem: string): CertInfo[] {
  const blocks = pem.match(PEM) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in it');
  return blocks.map((block) => {
    const cert = new X509Certificate(block);
    return {
      subject: cert.subject.replace(/\n/g, ', '),
      notAfter: new Date(cert.validTo),
      notBefore: new Date(cert.validFrom),
    };
  });
}

/** A base64 field (caBundle, Secret data) as PEM text. */
export function fromBase64(value: unknown): string {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '';
}

export const DAY_MS = 24 * 60 * 60 * 1000;
