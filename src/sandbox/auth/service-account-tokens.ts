// Bound ServiceAccount tokens as kube-apiserver issues them for TokenRequest: JWTs signed ES256 with
// the sandbox's service-account key (kept in the data dir, so tokens survive a restart), with iss,
// sub, aud, exp, iat, nbf, jti and the "kubernetes.io" claims (namespace, serviceaccount name and
// uid, the pod or secret the token is bound to). Authentication checks the signature, the issuer, the
// API audience, the validity window, and that the ServiceAccount (and the bound object) still exists
// with the same uid: deleting the ServiceAccount invalidates its tokens.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { isObject } from '../../kube/json.js';
import type { K8sObject } from '../base/types.js';
import type { Store } from '../store/store.js';
import type { UserInfo } from './authn.js';

/** The issuer and the API audience of a default kube-apiserver. */
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const API_AUDIENCES = [ISSUER];
/** Clock skew tolerated on exp and nbf, as the apiserver's JWT validation allows. */
const LEEWAY_SECONDS = 60;
const KEY_FILE = 'service-account-key.pem';

export interface BoundObject {
  kind: 'Pod' | 'Secret';
  name: string;
  uid: string;
}

export interface IssueOptions {
  audiences: string[];
  expirationSeconds: number;
  bound?: BoundObject;
  now: Date;
}

interface Claims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
  };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function parseSegment(s: string): unknown {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export class ServiceAccountTokens {
  private readonly publicKey: KeyObject;
  readonly keyId: string;

  private constructor(
    private readonly store: Store,
    private readonly privateKey: KeyObject,
    private readonly clock: () => Date,
  ) {
    this.publicKey = createPublicKey(privateKey);
    const spki = this.publicKey.export({ type: 'spki', format: 'der' });
    this.keyId = b64url(createHash('sha256').update(spki).digest());
  }

  /** Loads the signing key from the data dir, or makes one (and keeps it there when there is one). */
  static async open(
    store: Store,
    dataDir: string | undefined,
    clock: () => Date,
  ): Promise<ServiceAccountTokens> {
    const file = dataDir ? join(dataDir, KEY_FILE) : undefined;
    const saved = file ? await readFile(file, 'utf8').catch(() => undefined) : undefined;
    let key: KeyObject;
    if (saved) key = createPrivateKey(saved);
    else {
      key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      if (file)
        await writeFileAtomic(file, key.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    }
    return new ServiceAccountTokens(store, key, clock);
  }

  issue(serviceAccount: K8sObject, o: IssueOptions): { token: string; expires: Date } {
    const namespace = serviceAccount.metadata.namespace ?? '';
    const name = serviceAccount.metadata.name ?? '';
    const iat = Math.floor(o.now.getTime() / 1000);
    const claims: Claims = {
      aud: o.audiences,
      exp: iat + o.expirationSeconds,
      iat,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace,
        ...(o.bound?.kind === 'Pod' ? { pod: { name: o.bound.name, uid: o.bound.uid } } : {}),
        ...(o.bound?.kind === 'Secret' ? { secret: { name: o.bound.name, uid: o.bound.uid } } : {}),
        serviceaccount: { name, uid: serviceAccount.metadata.uid ?? '' },
      },
      nbf: iat,
      sub: `system:serviceaccount:${namespace}:${name}`,
    };
    const header = { alg: 'ES256', kid: this.keyId };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return { token: `${signingInput}.${b64url(signature)}`, expires: new Date(claims.exp * 1000) };
  }

  /** The user of a valid token of ours; undefined for anything else (a 401). */
  authenticate(token: string): UserInfo | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const header = parseSegment(parts[0]);
    if (!isObject(header) || header.alg !== 'ES256') return undefined;
    const ok = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      { key: this.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(parts[2], 'base64url'),
    );
    if (!ok) return undefined;
    const claims = parseSegment(parts[1]) as Claims | undefined;
    if (!isObject(claims) || claims.iss !== ISSUER) return undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => API_AUDIENCES.includes(a))) return undefined;
    const now = this.clock().getTime() / 1000;
    if (typeof claims.exp !== 'number' || now > claims.exp + LEEWAY_SECONDS) return undefined;
    if (typeof claims.nbf === 'number' && now < claims.nbf - LEEWAY_SECONDS) return undefined;
    const k = claims['kubernetes.io'];
    if (!isObject(k) || !isObject(k.serviceaccount)) return undefined;
    const sa = this.store.get('/serviceaccounts', k.namespace, k.serviceaccount.name);
    if (!sa || sa.metadata.uid !== k.serviceaccount.uid) return undefined;
    if (k.pod && !this.alive('/pods', k.namespace, k.pod)) return undefined;
    if (k.secret && !this.alive('/secrets', k.namespace, k.secret)) return undefined;
    const extra: Record<string, string[]> = {
      'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`],
    };
    if (k.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
    }
    return {
      name: claims.sub,
      uid: k.serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${k.namespace}`, 'system:authenticated'],
      extra,
    };
  }

  private alive(key: string, namespace: string, ref: { name: string; uid: string }): boolean {
    const obj = this.store.get(key, namespace, ref.name);
    return obj !== undefined && obj.metadata.uid === ref.uid && !obj.metadata.deletionTimestamp;
  }

  /** A token from the table (minted before bound tokens) of a service account works while it exists. */
  serviceAccountExists(user: string): boolean {
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
    return !m || this.store.get('/serviceaccounts', m[1], m[2]) !== undefined;
  }

  /** Calls back with the user name of each service account deleted. */
  onServiceAccountDeleted(callback: (user: string) => void): () => void {
    return this.store.onEvent((e) => {
      if (e.storageKey !== '/serviceaccounts' || e.type !== 'DELETED') return;
      callback(`system:serviceaccount:${e.object.metadata.namespace ?? ''}:${e.object.metadata.name ?? ''}`);
    });
  }
}
