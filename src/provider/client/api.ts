// Typed calls to a provider: the signed-in user, versioned documents and preferences. Endpoints come
// from the capabilities document.
import { FEATURES } from '../protocol/capabilities.js';
import {
  formatEtag,
  isRemoteDocument,
  KIND_FEATURE,
  type DocumentKind,
  type DocumentPage,
  type RemoteDocument,
  singularKind,
} from '../protocol/documents.js';
import type { ApiTokenCreated, ApiTokenInfo, ApiTokenRequest, UserProfile } from '../protocol/auth.js';
import type { ProviderCapabilities } from './capabilities.js';
import { ProviderResponseError } from './errors.js';
import { errorCode, errorText, type ProviderHttp, type ProviderResponse } from './http.js';

/** The outcome of a change: the new version, or why the provider refused it without failing. */
export type WriteOutcome =
  | { ok: true; doc: RemoteDocument; replayed: boolean }
  | { ok: false; status: 404 | 409 | 412; code: string; message: string; current?: RemoteDocument };

export interface NewDocument {
  id: string;
  name: string;
  data: unknown;
}

const PAGE_SIZE = 500;

export class ProviderApi {
  constructor(
    readonly http: ProviderHttp,
    private readonly capabilities: () => Promise<ProviderCapabilities>,
  ) {}

  private async endpoint(feature: string, what: string): Promise<string> {
    return (await this.capabilities()).endpoint(feature, what);
  }

  private kindEndpoint(kind: DocumentKind): Promise<string> {
    return this.endpoint(KIND_FEATURE[kind], `${singularKind(kind)} storage`);
  }

  async me(): Promise<UserProfile> {
    const res = await this.http.request<UserProfile>(
      'GET',
      await this.endpoint(FEATURES.usersProfile, 'user profiles'),
    );
    if (typeof res.body?.id !== 'string' || typeof res.body?.username !== 'string') {
      throw malformed(this.http, 'user profile');
    }
    return res.body;
  }

  async list(
    kind: DocumentKind,
    query: { name?: string; page?: number; pagesize?: number } = {},
  ): Promise<DocumentPage> {
    const res = await this.http.request<DocumentPage>('GET', await this.kindEndpoint(kind), { query });
    if (!Array.isArray(res.body?.items) || !res.body.items.every(isRemoteDocument))
      throw malformed(this.http, `${kind} list`);
    return res.body;
  }

  async listAll(kind: DocumentKind): Promise<RemoteDocument[]> {
    const items: RemoteDocument[] = [];
    for (let page = 1; ; page++) {
      const res = await this.list(kind, { page, pagesize: PAGE_SIZE });
      items.push(...res.items);
      if (res.items.length < PAGE_SIZE || items.length >= res.total_count) return items;
    }
  }

  async findByName(kind: DocumentKind, name: string): Promise<RemoteDocument | undefined> {
    return (await this.list(kind, { name, pagesize: 1 })).items[0];
  }

  async create(kind: DocumentKind, doc: NewDocument, idempotencyKey: string): Promise<WriteOutcome> {
    const res = await this.http.request('POST', await this.kindEndpoint(kind), {
      json: doc,
      headers: { 'idempotency-key': idempotencyKey },
      accept: [409],
    });
    return this.outcome(res);
  }

  async update(
    kind: DocumentKind,
    id: string,
    baseVersion: number,
    doc: { name: string; data: unknown },
    idempotencyKey: string,
  ): Promise<WriteOutcome> {
    const res = await this.http.request('PUT', `${await this.kindEndpoint(kind)}/${id}`, {
      json: doc,
      headers: { 'if-match': formatEtag(baseVersion), 'idempotency-key': idempotencyKey },
      accept: [404, 409, 412],
    });
    return this.outcome(res);
  }

  async getPreferences(): Promise<RemoteDocument> {
    const res = await this.http.request<RemoteDocument>(
      'GET',
      await this.endpoint(FEATURES.syncPrefs, 'preferences'),
    );
    if (!isRemoteDocument(res.body)) throw malformed(this.http, 'preferences');
    return res.body;
  }

  async putPreferences(
    baseVersion: number,
    data: Record<string, unknown>,
    idempotencyKey: string,
  ): Promise<WriteOutcome> {
    const res = await this.http.request('PUT', await this.endpoint(FEATURES.syncPrefs, 'preferences'), {
      json: { data },
      headers: { 'if-match': formatEtag(baseVersion), 'idempotency-key': idempotencyKey },
      accept: [409, 412],
    });
    return this.outcome(res);
  }

  async createApiToken(request: ApiTokenRequest): Promise<ApiTokenCreated> {
    const res = await this.http.request<ApiTokenCreated>('POST', await this.apiTokensEndpoint(), {
      json: request,
    });
    const body = res.body;
    if (
      typeof body?.token !== 'string' ||
      typeof body.id !== 'string' ||
      typeof body.expiresAt !== 'string'
    ) {
      throw malformed(this.http, 'API token');
    }
    return body;
  }

  async listApiTokens(): Promise<ApiTokenInfo[]> {
    const res = await this.http.request<{ items: ApiTokenInfo[] }>('GET', await this.apiTokensEndpoint());
    const items = res.body?.items;
    if (
      !Array.isArray(items) ||
      !items.every((t) => typeof t?.id === 'string' && typeof t.name === 'string')
    ) {
      throw malformed(this.http, 'API token list');
    }
    return items;
  }

  /** Revokes one of the signed-in user's API tokens; false when they have none with that id. */
  async revokeApiToken(id: string): Promise<boolean> {
    const res = await this.http.request(
      'DELETE',
      `${await this.apiTokensEndpoint()}/${encodeURIComponent(id)}`,
      {
        accept: [404],
      },
    );
    return res.status !== 404;
  }

  private apiTokensEndpoint(): Promise<string> {
    return this.endpoint(FEATURES.apiTokens, 'API tokens');
  }

  private outcome(res: ProviderResponse): WriteOutcome {
    if (res.status >= 200 && res.status < 300) {
      if (!isRemoteDocument(res.body)) throw malformed(this.http, 'document');
      return { ok: true, doc: res.body, replayed: res.headers.get('idempotent-replayed') === 'true' };
    }
    const current = (res.body as { current?: unknown } | undefined)?.current;
    return {
      ok: false,
      status: res.status as 404 | 409 | 412,
      code: errorCode(res.body) ?? String(res.status),
      message: errorText(res.body) ?? `HTTP ${res.status}`,
      current: isRemoteDocument(current) ? current : undefined,
    };
  }
}

function malformed(http: ProviderHttp, what: string): ProviderResponseError {
  return new ProviderResponseError(`provider at ${http.baseUrl} sent a malformed ${what}`, 200, 'malformed');
}
