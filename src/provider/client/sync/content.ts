// Content hashes that ignore key order, so a document re-serialised by YAML or JSON compares equal.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../kube/json.js';

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
