// Which webhooks a request goes to, as the apiserver's generic webhook source decides: rules
// (operations, groups, versions, resources with subresources, scope), matchPolicy, namespaceSelector
// (the namespace's labels; a Namespace's own labels; cluster-scoped objects always match) and
// objectSelector (the object's or the old object's labels).
import { isObject } from '../../kube/json.js';
import type { K8sObject, ResourceType } from '../base/types.js';
import { selectorMatches } from '../resources/validation.js';
import type { RuleWithOperations, Webhook } from './config.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: Operation;
  rt: ResourceType;
  subresource: string;
  namespace: string;
  name: string;
  object?: K8sObject;
  oldObject?: K8sObject;
  dryRun: boolean;
}

const inList = (list: string[], value: string) => list.includes('*') || list.includes(value);

function resourceMatches(patterns: string[], resource: string, subresource: string): boolean {
  const full = subresource ? `${resource}/${subresource}` : resource;
  return patterns.some((p) => {
    if (p === '*/*') return true;
    if (p === '*') return subresource === '';
    if (p === full) return true;
    const [res, sub] = p.split('/');
    if (sub === undefined) return false;
    return (res === '*' && sub === subresource) || (res === resource && sub === '*' && subresource !== '');
  });
}

function ruleMatches(rule: RuleWithOperations, a: AdmissionAttributes, version: string | undefined): boolean {
  if (!inList(rule.operations, a.operation)) return false;
  if (!inList(rule.apiGroups, a.rt.group)) return false;
  // Exact: the request's version; Equivalent: any version of the same resource the rule names.
  if (version !== undefined && !inList(rule.apiVersions, version)) return false;
  if (!resourceMatches(rule.resources, a.rt.plural, a.subresource)) return false;
  if (rule.scope === 'Cluster' && a.rt.namespaced) return false;
  if (rule.scope === 'Namespaced' && !a.rt.namespaced) return false;
  return true;
}

function rulesMatch(w: Webhook, a: AdmissionAttributes, servedVersions: string[]): boolean {
  if (w.rules.some((r) => ruleMatches(r, a, a.rt.version))) return true;
  if (w.matchPolicy !== 'Equivalent') return false;
  return servedVersions.some((v) => v !== a.rt.version && w.rules.some((r) => ruleMatches(r, a, v)));
}

function labelsOf(obj: K8sObject | undefined): Record<string, string> {
  const labels = obj?.metadata.labels;
  return isObject(labels) ? labels : {};
}

function namespaceMatches(
  w: Webhook,
  a: AdmissionAttributes,
  namespaceObject: K8sObject | undefined,
): boolean {
  const isNamespace = a.rt.group === '' && a.rt.kind === 'Namespace';
  if (!a.rt.namespaced && !isNamespace) return true;
  const labels = isNamespace ? labelsOf(a.object ?? a.oldObject) : labelsOf(namespaceObject);
  return selectorMatches(w.namespaceSelector, labels);
}

function objectMatches(w: Webhook, a: AdmissionAttributes): boolean {
  const candidates = [a.object, a.oldObject].filter((o): o is K8sObject => o !== undefined);
  if (candidates.length === 0) return selectorMatches(w.objectSelector, {});
  return candidates.some((o) => selectorMatches(w.objectSelector, labelsOf(o)));
}

/** Configurations never go through webhooks: a broken webhook could otherwise never be removed. */
export function exemptFromWebhooks(rt: ResourceType): boolean {
  return (
    rt.group === 'admissionregistration.k8s.io' &&
    /webhookconfigurations$|validatingadmissionpolic/.test(rt.plural)
  );
}

export function webhookMatches(
  w: Webhook,
  a: AdmissionAttributes,
  namespaceObject: K8sObject | undefined,
  servedVersions: string[],
): boolean {
  return rulesMatch(w, a, servedVersions) && namespaceMatches(w, a, namespaceObject) && objectMatches(w, a);
}
