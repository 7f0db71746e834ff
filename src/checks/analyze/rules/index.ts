// The rule catalogue: every rule by its stable code. Codes never change meaning; retired codes are not reused.
import type { Rule } from '../base/model.js';
import { ISTIO_RULES } from './istio.js';
import { KUBERNETES_RULES } from './kubernetes.js';
import { LINKERD_RULES } from './linkerd.js';
import { MESH_RULES } from './mesh.js';

export const RULES: readonly Rule[] = [
  ...ISTIO_RULES,
  ...MESH_RULES,
  ...LINKERD_RULES,
  ...KUBERNETES_RULES,
].sort((a, b) => a.code.localeCompare(b.code));

export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((r) => r.code === code);
}
