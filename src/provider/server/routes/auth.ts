// Sign-in: the OAuth endpoints the CLI calls (device code, token, revoke) and the pages a person opens
// (device verification, browser sign-in). API tokens: api-tokens.ts.
import type { App } from '../app/app.js';
import { readForm } from '../http/body.js';
import { oauthError } from '../http/errors.js';
import { redirect, sendHtml, sendJson } from '../http/respond.js';
import type { Router } from '../app/router.js';
import { decideUserCode, pollDeviceCode, startDeviceAuthorization } from '../auth/device.js';
import { deviceForm, loginForm, message } from '../auth/pages.js';
import { refreshSession, revokeToken } from '../auth/tokens.js';
import { authenticate } from '../auth/users.js';
import { exchangeAuthCode, issueAuthCode, redirectUriProblem } from '../auth/web.js';
import { DEVICE_GRANT } from '../../protocol/auth.js';
import { ENDPOINTS } from './system.js';

export function authRoutes(router: Router, app: App): void {
  if (app.options.local) return; // the built-in provider has one user and no sign-in

  router.on('POST', ENDPOINTS.deviceCode, async (ctx) => {
    app.limitAuth(ctx);
    await readForm(ctx.req, app.maxBodyBytes);
    sendJson(ctx.res, 200, await startDeviceAuthorization(app.db, `${app.publicUrl()}/device`, app.device));
  });

  router.on('POST', ENDPOINTS.token, async (ctx) => {
    const form = await readForm(ctx.req, app.maxBodyBytes);
    const grant = form.grant_type;
    if (grant === DEVICE_GRANT) {
      // Polling is paced by the device code's interval (slow_down), not by the rate limit.
      if (!form.device_code) throw oauthError('invalid_request', 'device_code is missing');
      sendJson(ctx.res, 200, await pollDeviceCode(app.db, form.device_code, app.tokens));
      return;
    }
    app.limitAuth(ctx);
    if (grant === 'refresh_token') {
      if (!form.refresh_token) throw oauthError('invalid_request', 'refresh_token is missing');
      sendJson(
        ctx.res,
        200,
        await refreshSession(app.db, form.refresh_token, app.tokens, (id) =>
          app.principals.forgetSession(id),
        ),
      );
      return;
    }
    if (grant === 'authorization_code') {
      if (!form.code || !form.redirect_uri || !form.code_verifier) {
        throw oauthError('invalid_request', 'code, redirect_uri and code_verifier are required');
      }
      sendJson(
        ctx.res,
        200,
        await exchangeAuthCode(app.db, form.code, form.redirect_uri, form.code_verifier, app.tokens),
      );
      return;
    }
    throw oauthError('unsupported_grant_type', `grant_type "${grant ?? ''}" is not supported`);
  });

  router.on('POST', ENDPOINTS.revoke, async (ctx) => {
    app.limitAuth(ctx);
    const form = await readForm(ctx.req, app.maxBodyBytes);
    if (!form.token) throw oauthError('invalid_request', 'token is missing');
    const session = await revokeToken(app.db, form.token);
    if (session) app.principals.forgetSession(session);
    sendJson(ctx.res, 200, {});
  });

  // Pages for people.
  router.on('GET', '/device', async ({ res, url }) =>
    sendHtml(res, 200, deviceForm(url.searchParams.get('user_code') ?? '')),
  );
  router.on('POST', '/device', async (ctx) => {
    app.limitAuth(ctx);
    const form = await readForm(ctx.req, app.maxBodyBytes);
    const code = form.user_code ?? '';
    const user = await signIn(app, form);
    if (!user) return sendHtml(ctx.res, 401, deviceForm(code, 'Wrong username or password.'));
    const outcome = await decideUserCode(app.db, code, user.id, form.action !== 'deny');
    if (outcome === 'unknown')
      return sendHtml(ctx.res, 400, deviceForm(code, 'Unknown or already used code.'));
    if (outcome === 'expired')
      return sendHtml(ctx.res, 400, deviceForm(code, 'This code has expired; start again in your terminal.'));
    sendHtml(
      ctx.res,
      200,
      form.action === 'deny'
        ? message('Request denied', 'meshdeck was not signed in. You can close this page.')
        : message(
            'Device connected',
            `meshdeck is now signed in as ${user.username}. You can close this page and return to your terminal.`,
          ),
    );
  });

  router.on('GET', '/login', async ({ res, url }) => {
    const params = loginParams(url.searchParams);
    if ('problem' in params) return sendHtml(res, 400, message('Cannot sign in', params.problem));
    sendHtml(res, 200, loginForm(params), [new URL(params.redirect_uri).origin]);
  });
  router.on('POST', '/login', async (ctx) => {
    app.limitAuth(ctx);
    const form = await readForm(ctx.req, app.maxBodyBytes);
    const params = loginParams(new URLSearchParams(form));
    if ('problem' in params) return sendHtml(ctx.res, 400, message('Cannot sign in', params.problem));
    const user = await signIn(app, form);
    if (!user) {
      const callback = new URL(params.redirect_uri).origin;
      return sendHtml(ctx.res, 401, loginForm(params, 'Wrong username or password.'), [callback]);
    }
    const code = await issueAuthCode(app.db, user.id, params.redirect_uri, params.code_challenge);
    const target = new URL(params.redirect_uri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', params.state);
    redirect(ctx.res, target.toString());
  });
}

async function signIn(app: App, form: Record<string, string>) {
  if (!form.username || !form.password) return undefined;
  return authenticate(app.db, form.username, form.password);
}

function loginParams(
  q: URLSearchParams,
): { redirect_uri: string; state: string; code_challenge: string } | { problem: string } {
  const redirectUri = q.get('redirect_uri') ?? '';
  const problem = redirectUriProblem(redirectUri);
  if (problem) return { problem };
  const state = q.get('state') ?? '';
  const challenge = q.get('code_challenge') ?? '';
  if (
    !state ||
    !/^[A-Za-z0-9_-]{43}$/.test(challenge) ||
    (q.get('code_challenge_method') ?? 'S256') !== 'S256'
  ) {
    return { problem: 'state and an S256 code_challenge are required' };
  }
  return { redirect_uri: redirectUri, state, code_challenge: challenge };
}
