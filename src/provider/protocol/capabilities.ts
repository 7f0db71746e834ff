// The capabilities document (GET /api/capabilities), in the spirit of Meshery's: which features a
// provider offers and at which endpoint. Clients find every endpoint here and refuse a feature that is
// not listed. Shared by the reference server (which builds it) and the client (which validates it).

export const CAPABILITIES_PATH = '/api/capabilities';
export const PROTOCOL_VERSION = 'meshdeck.provider/v1';

/** Feature names. Meshery's names where Meshery has one; meshdeck's own otherwise. */
export const FEATURES = {
  usersProfile: 'users-profile',
  syncPrefs: 'sync-prefs',
  designs: 'persist-designs',
  performanceProfiles: 'persist-performance-profiles',
  performanceResults: 'persist-performance-results',
  meshInstalls: 'persist-mesh-installs',
  deviceCode: 'auth-device-code',
  webLogin: 'auth-web-login',
  token: 'auth-token',
  revoke: 'auth-revoke',
  apiTokens: 'api-tokens',
  usersAdmin: 'users-admin',
} as const;
export type Feature = (typeof FEATURES)[keyof typeof FEATURES];

export interface Capability {
  feature: string;
  /** Path appended to the provider's base URL. */
  endpoint: string;
}

export interface CapabilitiesDocument {
  apiVersion: string;
  providerType: 'remote' | 'local';
  packageVersion: string;
  providerName: string;
  providerUrl: string;
  providerDescription?: string[];
  capabilities: Capability[];
  restrictedAccess: { isMesheryUiRestricted: boolean; allowedComponents: Record<string, unknown> };
  redirects: Record<string, string>;
}

/**
 * Checks a capabilities document from the network; returns the problems found (empty when valid).
 * Unknown keys and unknown features are allowed: a newer provider may offer more.
 */
export function capabilitiesProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['it is not a JSON object'];
  }
  const doc = value as Record<string, unknown>;
  const problems: string[] = [];
  if (doc.providerType !== 'remote' && doc.providerType !== 'local') {
    problems.push('"providerType" must be "remote" or "local"');
  }
  for (const key of ['providerName', 'packageVersion'] as const) {
    if (typeof doc[key] !== 'string') problems.push(`"${key}" must be a string`);
  }
  if (!Array.isArray(doc.capabilities)) {
    problems.push('"capabilities" must be a list of {feature, endpoint}');
  } else {
    doc.capabilities.forEach((c: unknown, i) => {
      const item = c as Record<string, unknown> | null;
      if (typeof item !== 'object' || item === null || typeof item.feature !== 'string') {
        problems.push(`capabilities[${i}] must have a string "feature"`);
      } else if (item.endpoint !== undefined && typeof item.endpoint !== 'string') {
        problems.push(`capabilities[${i}].endpoint must be a string`);
      } else if (
        typeof item.endpoint === 'string' &&
        item.endpoint !== '' &&
        !item.endpoint.startsWith('/')
      ) {
        problems.push(`capabilities[${i}].endpoint must be a path starting with /`);
      }
    });
  }
  if (doc.redirects !== undefined && (typeof doc.redirects !== 'object' || doc.redirects === null)) {
    problems.push('"redirects" must be an object');
  }
  return problems;
}

/** The endpoint of a feature, or undefined when the provider does not list it. */
export function findEndpoint(doc: Pick<CapabilitiesDocument, 'capabilities'>, feature: string) {
  return doc.capabilities.find((c) => c.feature === feature)?.endpoint;
}
