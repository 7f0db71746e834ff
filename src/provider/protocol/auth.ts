// OAuth-style grant types and error codes used between the CLI and the provider (RFC 6749, 7009, 8628).

export const CLIENT_ID = 'meshdeck-cli';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
}

export interface DeviceCodeResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval?: number;
}

export interface UserProfile {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: 'admin' | 'user';
  providerType: 'remote' | 'local';
  /** When the token this request was made with stops working (ISO 8601); absent when it does not expire. */
  tokenExpiresAt?: string;
}

/** An API token as listed: never its secret. */
export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: string;
  /** Always set for tokens made by this version; null only for older tokens made without an expiry. */
  expiresAt: string | null;
  /** Within a minute; null when never used. */
  lastUsedAt: string | null;
}

/** The answer to creating an API token: the one time its secret is shown. */
export interface ApiTokenCreated {
  id: string;
  name: string;
  token: string;
  createdAt: string;
  expiresAt: string;
}

/** How an API token is asked for (POST to the api-tokens endpoint). */
export interface ApiTokenRequest {
  name?: string;
  /** Whole days; the provider's default when absent. */
  expiresInDays?: number;
}
