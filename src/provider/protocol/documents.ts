// Versioned documents: designs, performance profiles, performance results and mesh install records share
// one shape on the wire. Every object has an id and a version; the version is the ETag.
import { FEATURES } from './capabilities.js';

export const DOCUMENT_KINDS = [
  'designs',
  'performance-profiles',
  'performance-results',
  'mesh-installs',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const KIND_FEATURE: Record<DocumentKind, string> = {
  designs: FEATURES.designs,
  'performance-profiles': FEATURES.performanceProfiles,
  'performance-results': FEATURES.performanceResults,
  'mesh-installs': FEATURES.meshInstalls,
};

/** One object as the provider returns it. */
export interface RemoteDocument {
  id: string;
  kind: string;
  name: string;
  version: number;
  data: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface DocumentPage {
  items: RemoteDocument[];
  page: number;
  page_size: number;
  total_count: number;
}

/** Kinds whose names are not unique per user: a profile has many results, a mesh many install records. */
export const REPEATED_NAME_KINDS: readonly string[] = ['performance-results', 'mesh-installs'];

/** Kinds whose names are unique per user. */
export function namesAreUnique(kind: string): boolean {
  return !REPEATED_NAME_KINDS.includes(kind);
}

export const NAME_MAX_LENGTH = 253;

export function documentNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return '"name" must be a non-empty string';
  if (name.length > NAME_MAX_LENGTH) return `"name" must be at most ${NAME_MAX_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return '"name" must not contain control characters';
  return undefined;
}

export function formatEtag(version: number): string {
  return `"${version}"`;
}

/** A version from an ETag or If-Match value ("3", W/"3" or 3); undefined when it is not one. */
export function parseEtag(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value.trim());
  return m ? Number(m[1]) : undefined;
}

export function isRemoteDocument(value: unknown): value is RemoteDocument {
  const v = value as Record<string, unknown> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.version === 'number' &&
    'data' in v
  );
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SINGULAR: Record<string, string> = {
  designs: 'design',
  'performance-profiles': 'performance profile',
  'performance-results': 'performance result',
  'mesh-installs': 'mesh install record',
};

/** A kind in messages: "design", "performance profile"; other kinds (preferences) as they are. */
export function singularKind(kind: string): string {
  return SINGULAR[kind] ?? kind;
}
