// The client side of sign-in: device code (RFC 8628), code exchange, refresh and revocation.
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthError, TimeoutError } from '../../core/errors.js';
import { CLIENT_ID, DEVICE_GRANT, type DeviceCodeResponse, type TokenResponse } from '../protocol/auth.js';
import { FEATURES } from '../protocol/capabilities.js';
import type { ProviderCapabilities } from './capabilities.js';
import { ProviderResponseError } from './errors.js';
import { errorCode, errorText, type ProviderHttp } from './http.js';

export async function requestDeviceCode(
  http: ProviderHttp,
  caps: ProviderCapabilities,
): Promise<DeviceCodeResponse> {
  const res = await http.request<DeviceCodeResponse>(
    'POST',
    caps.endpoint(FEATURES.deviceCode, 'device-code sign-in'),
    {
      form: { client_id: CLIENT_ID },
      auth: false,
    },
  );
  const b = res.body;
  if (
    typeof b?.device_code !== 'string' ||
    typeof b.user_code !== 'string' ||
    typeof b.verification_uri !== 'string'
  ) {
    throw new ProviderResponseError(
      `provider at ${http.baseUrl} sent a malformed device code answer`,
      res.status,
      'malformed',
    );
  }
  return b;
}

export interface PollOptions {
  signal?: AbortSignal;
  /** Told each time the provider asks to slow down. */
  onSlowDown?: (intervalSeconds: number) => void;
}

/** Polls the token endpoint at the interval the provider asks for, until approval, denial or expiry. */
export async function pollDeviceToken(
  http: ProviderHttp,
  caps: ProviderCapabilities,
  device: DeviceCodeResponse,
  options: PollOptions = {},
): Promise<TokenResponse> {
  const endpoint = caps.endpoint(FEATURES.token, 'token exchange');
  let interval = Math.max(1, device.interval ?? 5);
  const deadline = Date.now() + device.expires_in * 1000;
  for (;;) {
    await sleep(interval * 1000, undefined, { signal: options.signal }).catch(() => {
      throw options.signal?.reason;
    });
    const res = await http.request('POST', endpoint, {
      form: { grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: CLIENT_ID },
      auth: false,
      accept: [400],
    });
    if (res.status === 200) return tokenResponse(http, res.body);
    const code = errorCode(res.body);
    if (code === 'authorization_pending') {
      if (Date.now() > deadline) break;
      continue;
    }
    if (code === 'slow_down') {
      interval += 5;
      options.onSlowDown?.(interval);
      continue;
    }
    if (code === 'access_denied') throw new AuthError('sign-in was denied on the verification page');
    if (code === 'expired_token') break;
    throw new AuthError(`sign-in failed: ${errorText(res.body) ?? code ?? 'unknown error'}`, {
      hint: 'run meshdeck login again',
    });
  }
  throw new TimeoutError('the code expired before it was approved', {
    hint: 'run meshdeck login again and approve the new code',
  });
}

export async function exchangeCode(
  http: ProviderHttp,
  caps: ProviderCapabilities,
  input: { code: string; redirectUri: string; verifier: string },
): Promise<TokenResponse> {
  const res = await http.request('POST', caps.endpoint(FEATURES.token, 'token exchange'), {
    form: {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      code_verifier: input.verifier,
      client_id: CLIENT_ID,
    },
    auth: false,
    accept: [400],
  });
  if (res.status !== 200)
    throw new AuthError(`sign-in failed: ${errorText(res.body) ?? 'the provider refused the code'}`);
  return tokenResponse(http, res.body);
}

/** A new token pair, or undefined when the refresh token is no longer valid. */
export async function refreshTokens(
  http: ProviderHttp,
  caps: ProviderCapabilities,
  refreshToken: string,
): Promise<TokenResponse | undefined> {
  if (!caps.has(FEATURES.token)) return undefined;
  const res = await http.request('POST', caps.endpoint(FEATURES.token), {
    form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID },
    auth: false,
    accept: [400, 401],
  });
  return res.status === 200 ? tokenResponse(http, res.body) : undefined;
}

/** Revokes a token's session on the provider; false when the provider has no revocation endpoint. */
export async function revokeTokens(
  http: ProviderHttp,
  caps: ProviderCapabilities,
  token: string,
): Promise<boolean> {
  if (!caps.has(FEATURES.revoke)) return false;
  await http.request('POST', caps.endpoint(FEATURES.revoke), {
    form: { token, client_id: CLIENT_ID },
    auth: false,
  });
  return true;
}

function tokenResponse(http: ProviderHttp, body: unknown): TokenResponse {
  const b = body as TokenResponse | undefined;
  if (typeof b?.access_token !== 'string' || b.access_token === '') {
    throw new ProviderResponseError(
      `provider at ${http.baseUrl} sent a malformed token answer`,
      200,
      'malformed',
    );
  }
  return b;
}
