// Words for document kinds in messages.
import type { DocumentKind } from '../protocol/documents.js';

const SINGULAR: Record<DocumentKind, string> = {
  designs: 'design',
  'performance-profiles': 'performance profile',
  'performance-results': 'performance result',
};

export function singularKind(kind: DocumentKind): string {
  return SINGULAR[kind];
}
