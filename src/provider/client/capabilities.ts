// The provider's capabilities document, fetched and validated; every endpoint is looked up here, and a
// feature the provider does not list is refused with a clear message.
import { OperationError } from '../../core/errors.js';
import {
  CAPABILITIES_PATH,
  capabilitiesProblems,
  findEndpoint,
  type CapabilitiesDocument,
} from '../protocol/capabilities.js';
import { ProviderResponseError } from './errors.js';
import type { ProviderHttp } from './http.js';

export class ProviderCapabilities {
  constructor(
    readonly document: CapabilitiesDocument,
    readonly url: string,
  ) {}

  has(feature: string): boolean {
    return findEndpoint(this.document, feature) !== undefined;
  }

  /** The path of a feature's endpoint; refuses a feature the provider does not offer. */
  endpoint(feature: string, what?: string): string {
    const endpoint = findEndpoint(this.document, feature);
    if (endpoint === undefined) {
      const listed = this.document.capabilities.map((c) => c.feature);
      throw new OperationError(
        `the provider at ${this.url} does not offer ${what ? `${what} ("${feature}")` : `"${feature}"`}`,
        {
          hint: `its capabilities document lists: ${listed.length > 0 ? listed.join(', ') : 'nothing'}; use a provider that offers it`,
        },
      );
    }
    return endpoint;
  }

  get isLocal(): boolean {
    return this.document.providerType === 'local';
  }
}

export async function fetchCapabilities(http: ProviderHttp): Promise<ProviderCapabilities> {
  const res = await http.request<unknown>('GET', CAPABILITIES_PATH, { auth: false, accept: [404] });
  if (res.status === 404) {
    throw new ProviderResponseError(
      `${http.baseUrl} has no capabilities document (GET ${CAPABILITIES_PATH} answered 404): it is not a meshdeck provider`,
      404,
      'not_found',
      { hint: 'check the provider URL' },
    );
  }
  return validateCapabilities(res.body, http.baseUrl);
}

export function validateCapabilities(body: unknown, url: string): ProviderCapabilities {
  const problems = capabilitiesProblems(body);
  if (problems.length > 0) {
    throw new ProviderResponseError(
      `provider at ${url} sent a malformed capabilities document: ${problems[0]}`,
      200,
      'malformed_capabilities',
      {
        hint:
          problems.length > 1
            ? `also: ${problems.slice(1).join('; ')}`
            : 'check the provider URL and its version',
      },
    );
  }
  return new ProviderCapabilities(body as CapabilitiesDocument, url);
}
