// API tokens: create (only from a person's sign-in, never from another API token), list (never the
// secrets) and revoke; and the page that creates one with a username and password.
import type { App } from '../app/app.js';
import { readForm, readJson } from '../http/body.js';
import { ApiError, badRequest, notFound } from '../http/errors.js';
import { sendHtml, sendJson } from '../http/respond.js';
import type { Router } from '../app/router.js';
import { issueApiToken, listApiTokens, revokeApiToken } from '../auth/api-tokens.js';
import { apiTokenCreated, apiTokenForm } from '../auth/pages.js';
import { authenticate } from '../auth/users.js';
import { DEFAULTS } from '../app/options.js';
import { UUID_PATTERN } from '../../protocol/documents.js';
import { ENDPOINTS } from './system.js';

const NAME_MAX_LENGTH = 100;

export function apiTokenRoutes(router: Router, app: App): void {
  const maxDays = app.options.apiTokenMaxDays ?? DEFAULTS.apiTokenMaxDays;
  const defaultDays = Math.min(app.options.apiTokenDefaultDays ?? DEFAULTS.apiTokenDefaultDays, maxDays);
  const daysProblem = `a whole number of days from 1 to ${maxDays} (API tokens always expire; ${defaultDays} when not given)`;

  router.on('POST', ENDPOINTS.apiTokens, async (ctx) => {
    const principal = await app.authenticate(ctx);
    if (principal.kind === 'api-token') {
      throw new ApiError(
        403,
        'forbidden',
        'an API token cannot create API tokens; sign in as a person (meshdeck login) to create one',
      );
    }
    const body = await readJson(ctx.req, app.maxBodyBytes);
    const name = tokenName(body.name);
    const days = body.expiresInDays === undefined ? defaultDays : body.expiresInDays;
    if (!(Number.isInteger(days) && (days as number) >= 1 && (days as number) <= maxDays)) {
      throw badRequest('invalid_body', `"expiresInDays" must be ${daysProblem}`);
    }
    const created = await issueApiToken(app.db, principal.user.id, {
      name,
      ttlSeconds: (days as number) * 86400,
      createdBy: principal.kind === 'login' ? principal.sessionId : undefined,
    });
    app.log(`api token ${created.id} created for ${principal.user.username}, expires ${created.expiresAt}`);
    sendJson(ctx.res, 201, created);
  });

  router.on('GET', ENDPOINTS.apiTokens, async (ctx) => {
    const { user } = await app.authenticate(ctx);
    sendJson(ctx.res, 200, { items: await listApiTokens(app.db, user.id) });
  });

  router.on('DELETE', `${ENDPOINTS.apiTokens}/:id`, async (ctx) => {
    const { user } = await app.authenticate(ctx);
    const id = ctx.params.id.toLowerCase();
    if (!UUID_PATTERN.test(id) || !(await revokeApiToken(app.db, user.id, id))) {
      throw notFound(`you have no API token with id ${ctx.params.id}`);
    }
    app.principals.forgetSession(id);
    ctx.res.writeHead(204).end();
  });

  // The page for people: a username and password instead of a bearer token.
  router.on('GET', '/tokens', async ({ res }) => sendHtml(res, 200, apiTokenForm()));
  router.on('POST', '/tokens', async (ctx) => {
    app.limitAuth(ctx);
    const form = await readForm(ctx.req, app.maxBodyBytes);
    const user =
      form.username && form.password ? await authenticate(app.db, form.username, form.password) : undefined;
    if (!user) return sendHtml(ctx.res, 401, apiTokenForm('Wrong username or password.'));
    const days = form.days?.trim() ? Number(form.days) : defaultDays;
    if (!(Number.isInteger(days) && days >= 1 && days <= maxDays)) {
      return sendHtml(ctx.res, 400, apiTokenForm(`Days must be ${daysProblem}.`));
    }
    let name: string;
    try {
      name = tokenName(form.name);
    } catch (err) {
      return sendHtml(ctx.res, 400, apiTokenForm((err as Error).message));
    }
    const created = await issueApiToken(app.db, user.id, { name, ttlSeconds: days * 86400 });
    sendHtml(ctx.res, 201, apiTokenCreated(created.token, created.expiresAt));
  });
}

function tokenName(raw: unknown): string {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return 'api';
  // eslint-disable-next-line no-control-regex
  if (typeof raw !== 'string' || raw.trim().length > NAME_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw badRequest('invalid_body', `"name" must be text of at most ${NAME_MAX_LENGTH} characters`);
  }
  return raw.trim();
}
