// Who is asking: a bearer token from the token table, a client certificate signed by the sandbox CA
// (CN = user, O = groups), or nobody (system:anonymous). A credential that is presented and wrong is a
// 401, as on a real apiserver; no credential at all is anonymous, and RBAC then decides.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ServiceAccountTokens } from './service-account-tokens.js';

export interface UserInfo {
  name: string;
  groups: string[];
  /** Service accounts: the ServiceAccount's uid, and the token's credential id and pod. */
  uid?: string;
  extra?: Record<string, string[]>;
}

export const ANONYMOUS: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
/** The identity of requests on the plain-HTTP listener without a token (the old insecure port). */
export const INSECURE_ADMIN: UserInfo = {
  name: 'system:admin',
  groups: ['system:masters', 'system:authenticated'],
};

export type AuthResult = { user: UserInfo } | { unauthorized: true };

export class Authenticator {
  private tokens = new Map<string, UserInfo>();
  /** A TLS connection's client certificate never changes: read it once per connection. */
  private byConnection = new WeakMap<TLSSocket, AuthResult>();
  /** Bound service-account tokens (JWTs); tokens of the table for a deleted service account stop working. */
  serviceAccounts?: ServiceAccountTokens;

  /** Adds a token for a user; returns it. */
  addToken(user: string, groups: string[] = [], token = randomBytes(24).toString('base64url')): string {
    this.tokens.set(token, { name: user, groups: withAuthenticated(groups) });
    return token;
  }

  /** Forgets every token of the table for this user (a deleted service account); true when one went. */
  revokeUser(user: string): boolean {
    let removed = false;
    for (const [token, u] of this.tokens) if (u.name === user) removed = this.tokens.delete(token) || removed;
    return removed;
  }

  /** The tokens and their users, for persistence. */
  entries(): Array<[string, UserInfo]> {
    return [...this.tokens.entries()];
  }

  authenticate(req: IncomingMessage, secure: boolean): AuthResult {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) return { unauthorized: true };
      const listed = this.tokens.get(m[1]);
      const sa = this.serviceAccounts;
      if (listed)
        return !sa || sa.serviceAccountExists(listed.name) ? { user: listed } : { unauthorized: true };
      const bound = sa?.authenticate(m[1]);
      return bound ? { user: bound } : { unauthorized: true };
    }
    if (secure) {
      const socket = req.socket as TLSSocket;
      let result = this.byConnection.get(socket);
      if (!result) {
        result = certificateUser(socket);
        this.byConnection.set(socket, result);
      }
      return result;
    }
    return { user: INSECURE_ADMIN };
  }
}

function certificateUser(socket: TLSSocket): AuthResult {
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  if (!peer || Object.keys(peer).length === 0) return { user: ANONYMOUS };
  if (!socket.authorized) return { unauthorized: true };
  const cn = peer.subject?.CN;
  const o = peer.subject?.O;
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (!name) return { unauthorized: true };
  const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return { user: { name, groups: withAuthenticated(groups) } };
}

function withAuthenticated(groups: string[]): string[] {
  return groups.includes('system:authenticated') ? groups : [...groups, 'system:authenticated'];
}
