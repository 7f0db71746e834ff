// Capabilities, health, the signed-in user, and user administration.
import type { App } from '../app/app.js';
import { readJson } from '../http/body.js';
import { ApiError, badRequest } from '../http/errors.js';
import { sendJson, sendText } from '../http/respond.js';
import type { RequestContext, Router } from '../app/router.js';
import { createUser } from '../auth/users.js';
import { schemaVersion, MIGRATIONS } from '../db/migrations.js';
import {
  CAPABILITIES_PATH,
  FEATURES,
  PROTOCOL_VERSION,
  type CapabilitiesDocument,
  type Capability,
} from '../../protocol/capabilities.js';
import type { UserProfile } from '../../protocol/auth.js';
import { VERSION } from '../../../core/version.js';

export const ENDPOINTS = {
  me: '/api/me',
  preferences: '/api/preferences',
  designs: '/api/designs',
  profiles: '/api/performance/profiles',
  results: '/api/performance/results',
  meshInstalls: '/api/mesh/installs',
  deviceCode: '/api/auth/device/code',
  token: '/api/auth/token',
  revoke: '/api/auth/revoke',
  webLogin: '/login',
  apiTokens: '/api/tokens',
  users: '/api/users',
} as const;

export function capabilities(app: App): CapabilitiesDocument {
  const local = app.options.local !== undefined;
  const list: Capability[] = [
    { feature: FEATURES.usersProfile, endpoint: ENDPOINTS.me },
    { feature: FEATURES.syncPrefs, endpoint: ENDPOINTS.preferences },
    { feature: FEATURES.designs, endpoint: ENDPOINTS.designs },
    { feature: FEATURES.performanceProfiles, endpoint: ENDPOINTS.profiles },
    { feature: FEATURES.performanceResults, endpoint: ENDPOINTS.results },
    { feature: FEATURES.meshInstalls, endpoint: ENDPOINTS.meshInstalls },
  ];
  if (!local) {
    list.push(
      { feature: FEATURES.deviceCode, endpoint: ENDPOINTS.deviceCode },
      { feature: FEATURES.token, endpoint: ENDPOINTS.token },
      { feature: FEATURES.revoke, endpoint: ENDPOINTS.revoke },
      { feature: FEATURES.webLogin, endpoint: ENDPOINTS.webLogin },
      { feature: FEATURES.apiTokens, endpoint: ENDPOINTS.apiTokens },
      { feature: FEATURES.usersAdmin, endpoint: ENDPOINTS.users },
    );
  }
  return {
    apiVersion: PROTOCOL_VERSION,
    providerType: local ? 'local' : 'remote',
    packageVersion: VERSION,
    providerName: app.options.providerName ?? (local ? 'meshdeck built-in' : 'meshdeck reference provider'),
    providerUrl: app.publicUrl(),
    providerDescription: local
      ? ['Single user, no sign-in', 'Data stays on this computer']
      : [
          'Designs, performance profiles and results, mesh install records, kept per user',
          'Sign in from the CLI (device code or browser)',
        ],
    capabilities: list,
    restrictedAccess: { isMesheryUiRestricted: false, allowedComponents: {} },
    redirects: {},
  };
}

export function systemRoutes(router: Router, app: App): void {
  router.on('GET', CAPABILITIES_PATH, async ({ res }) => sendJson(res, 200, capabilities(app)));

  router.on('GET', '/healthz/live', async ({ res }) => sendText(res, 200, 'ok\n'));

  router.on('GET', '/healthz/ready', async (ctx) => {
    const { res, url } = ctx;
    // Each check's verdict is public (load balancers, probes); what it found (the data path, the
    // database's user@host/db, the version, error texts) is for admins only.
    const details = await isAdmin(app, ctx);
    const lines: string[] = [];
    let ok: boolean;
    const started = Date.now();
    try {
      await app.db.ping(2000);
      lines.push(`[+]database ok${details ? ` (${app.db.kind}, ${Date.now() - started} ms)` : ''}`);
      const version = await schemaVersion(app.db);
      const current = version === MIGRATIONS.length;
      ok = current;
      lines.push(
        current
          ? `[+]migrations ok${details ? ` (version ${version})` : ''}`
          : `[-]migrations failed${details ? `: schema at version ${version}, this server needs ${MIGRATIONS.length}` : ''}`,
      );
    } catch (err) {
      ok = false;
      lines.push(`[-]database failed${details ? `: ${(err as Error).message}` : ''}`);
    }
    if (details) {
      lines.push(`[i]storage ${app.db.kind} ${app.db.location}`);
      lines.push(`[i]version ${VERSION}`);
    }
    lines.push(ok ? 'readyz check passed' : 'readyz check failed');
    const verbose = url.searchParams.has('verbose') && url.searchParams.get('verbose') !== '0';
    sendText(res, ok ? 200 : 503, verbose ? `${lines.join('\n')}\n` : ok ? 'ok\n' : 'not ready\n');
  });

  router.on('GET', ENDPOINTS.me, async (ctx) => {
    const { user, expiresAt } = await app.authenticate(ctx);
    const profile: UserProfile = {
      ...user,
      providerType: app.options.local ? 'local' : 'remote',
      ...(expiresAt ? { tokenExpiresAt: new Date(expiresAt).toISOString() } : {}),
    };
    sendJson(ctx.res, 200, profile);
  });

  router.on('POST', ENDPOINTS.users, async (ctx) => {
    const { user } = await app.authenticate(ctx);
    if (user.role !== 'admin') throw new ApiError(403, 'forbidden', 'only an admin can create users');
    const body = await readJson(ctx.req, app.maxBodyBytes);
    const { username, password, role = 'user', displayName, email } = body;
    if (typeof username !== 'string' || typeof password !== 'string') {
      throw badRequest('invalid_body', 'send {"username": ..., "password": ...}');
    }
    if (role !== 'admin' && role !== 'user')
      throw badRequest('invalid_body', '"role" must be "admin" or "user"');
    const created = await createUser(app.db, {
      username,
      password,
      role,
      displayName: typeof displayName === 'string' ? displayName : undefined,
      email: typeof email === 'string' ? email : undefined,
    });
    sendJson(ctx.res, 201, created);
  });
}

/** Whether the request carries an admin's valid token; no token or any other is simply "no". */
async function isAdmin(app: App, ctx: RequestContext): Promise<boolean> {
  if (!ctx.req.headers.authorization) return false;
  try {
    return (await app.authenticate(ctx)).user.role === 'admin';
  } catch {
    return false;
  }
}
