// Bound ServiceAccount tokens (issue 18 item 18) with kubectl: `kubectl create token` (whose
// TokenRequest kubectl 1.32 sends in protobuf) returns a signed JWT that authenticates as the service
// account until it expires, until the ServiceAccount is deleted (a new one of the same name does not
// revive it), or until the pod it is bound to goes; a token for another audience is refused; tokens of
// the old token table for a service account stop working with it.
import assert from 'node:assert/strict';
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, testSandbox, type KubectlHome, type TestSandbox } from './helpers.js';

let ts: TestSandbox;
let h: KubectlHome;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meshdeck-tokens-'));
  ts = await testSandbox({ timeScale: 0.05, dataDir });
  h = ts.home();
});
after(async () => {
  await ts.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const UNAUTHORIZED = /error: You must be logged in to the server \(Unauthorized\)/;

async function createToken(args: string[]): Promise<string> {
  const r = await h.run(['create', 'token', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

function whoami(token: string) {
  return h.run(['--token', token, 'auth', 'whoami', '-o', 'json']);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions walk arbitrary JSON
type Json = Record<string, any>;

function claimsOf(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Json;
}

/** A token signed with the sandbox's service-account key (from its data dir), with chosen claims. */
function craft(claims: Record<string, unknown>): string {
  const key = createPrivateKey(readFileSync(join(dataDir, 'service-account-key.pem'), 'utf8'));
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'ES256' })}.${b64(claims)}`;
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

async function saUid(name: string): Promise<string> {
  const r = await h.run(['get', 'serviceaccount', name, '-o', 'jsonpath={.metadata.uid}']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

describe('service account tokens', () => {
  it('kubectl create token returns a signed JWT (protobuf TokenRequest) that authenticates as the service account', async () => {
    const token = await createToken(['default', '--duration=20m']);
    const tokenRequest = ts.requests.find((r) => r.url.includes('/serviceaccounts/default/token'))!;
    assert.equal(tokenRequest.contentType, 'application/vnd.kubernetes.protobuf');
    assert.equal(tokenRequest.status, 201);

    const c = claimsOf(token);
    assert.equal(c.sub, 'system:serviceaccount:default:default');
    assert.deepEqual(c.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(c.exp - c.iat, 1200);
    assert.equal(c.nbf, c.iat);
    assert.equal(c['kubernetes.io'].namespace, 'default');
    assert.equal(c['kubernetes.io'].serviceaccount.uid, await saUid('default'));

    const r = await whoami(token);
    assert.equal(r.code, 0, r.stderr);
    const user = (JSON.parse(r.stdout) as { status: { userInfo: Json } }).status.userInfo;
    assert.equal(user.username, 'system:serviceaccount:default:default');
    assert.equal(user.uid, c['kubernetes.io'].serviceaccount.uid);
    assert.deepEqual(user.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:default',
      'system:authenticated',
    ]);
    assert.deepEqual(user.extra['authentication.kubernetes.io/credential-id'], [`JTI=${c.jti}`]);

    const tooShort = await h.run(['create', 'token', 'default', '--duration=5m']);
    assert.equal(tooShort.code, 1);
    assert.match(
      tooShort.stderr,
      /spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/,
    );
  });

  it('an expired token, a tampered one and one for another audience get 401', async () => {
    const good = await createToken(['default']);
    const now = Math.floor(Date.now() / 1000);
    const base = { ...claimsOf(good), jti: randomUUID() };
    // The crafted token is right in all but what each case changes: the live one authenticates.
    assert.equal((await whoami(craft({ ...base, iat: now, nbf: now, exp: now + 3600 }))).code, 0);
    const expired = await whoami(craft({ ...base, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }));
    assert.equal(expired.code, 1);
    assert.match(expired.stderr, UNAUTHORIZED);

    const [head, , sig] = good.split('.');
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claimsOf(good), sub: 'system:admin' })).toString('base64url')}.${sig}`;
    assert.match((await whoami(forged)).stderr, UNAUTHORIZED);

    const other = await createToken(['default', '--audience=https://vault.example']);
    assert.deepEqual(claimsOf(other).aud, ['https://vault.example']);
    assert.match((await whoami(other)).stderr, UNAUTHORIZED);
  });

  it('deleting the ServiceAccount invalidates its tokens, and a new one of the same name does not revive them', async () => {
    assert.equal((await h.run(['create', 'serviceaccount', 'bot'])).code, 0);
    const token = await createToken(['bot']);
    assert.equal((await whoami(token)).code, 0);
    const legacy = ts.sandbox.mintToken({
      user: 'system:serviceaccount:default:bot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default'],
    });
    assert.equal((await whoami(legacy)).code, 0);

    assert.equal((await h.run(['delete', 'serviceaccount', 'bot'])).code, 0);
    assert.match((await whoami(token)).stderr, UNAUTHORIZED);
    assert.match((await whoami(legacy)).stderr, UNAUTHORIZED);

    assert.equal((await h.run(['create', 'serviceaccount', 'bot'])).code, 0);
    assert.match((await whoami(token)).stderr, UNAUTHORIZED);
    assert.match((await whoami(legacy)).stderr, UNAUTHORIZED);
  });

  it('a token bound to a pod names the pod and stops working when the pod is deleted', async () => {
    assert.equal((await h.run(['run', 'holder', '--image=nginx'])).code, 0);
    const token = await createToken(['default', '--bound-object-kind=Pod', '--bound-object-name=holder']);
    const c = claimsOf(token);
    assert.equal(c['kubernetes.io'].pod.name, 'holder');
    const r = await whoami(token);
    assert.equal(r.code, 0, r.stderr);
    const extra = (JSON.parse(r.stdout) as { status: { userInfo: { extra: Record<string, string[]> } } })
      .status.userInfo.extra;
    assert.deepEqual(extra['authentication.kubernetes.io/pod-name'], ['holder']);

    assert.equal((await h.run(['delete', 'pod', 'holder', '--wait=false'])).code, 0);
    await eventually(
      async () => UNAUTHORIZED.test((await whoami(token)).stderr),
      10_000,
      'the bound token to fail',
    );
  });
});
