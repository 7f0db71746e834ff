// Changes to config.yaml are made on the parsed YAML document, not on a re-serialised object, so the
// user's comments, key order and unknown keys survive every write.
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import {
  BUILTIN_CONTEXT_NAME,
  CONFIG_API_VERSION,
  CONFIG_KIND,
  type AdapterRef,
  type ContextSpec,
} from './model.js';

export class ConfigEditor {
  readonly doc: Document;

  constructor(doc: Document | undefined) {
    const usable = doc && isMap(doc.contents) ? doc : undefined;
    this.doc = usable ?? new Document({ apiVersion: CONFIG_API_VERSION, kind: CONFIG_KIND, contexts: [] });
  }

  setCurrentContext(name: string | undefined): void {
    if (name === undefined) this.doc.delete('current-context');
    else this.doc.set('current-context', name);
  }

  addContext(spec: ContextSpec): void {
    const contexts = this.doc.get('contexts', true) as Node | undefined;
    const node = this.doc.createNode(contextToYaml(spec));
    if (isSeq(contexts)) contexts.add(node);
    else this.doc.set('contexts', this.doc.createNode([contextToYaml(spec)]));
  }

  removeContext(name: string): boolean {
    const index = this.indexOf(name);
    if (index < 0) return false;
    this.doc.deleteIn(['contexts', index]);
    return true;
  }

  renameContext(from: string, to: string): boolean {
    const index = this.indexOf(from);
    if (index < 0) return false;
    this.doc.setIn(['contexts', index, 'name'], to);
    return true;
  }

  /** Records an external adapter in a context (the built-in one keeps its adapters under `local:`). */
  addAdapter(context: string, adapter: AdapterRef): void {
    const path = this.adaptersPath(context);
    if (!path) return;
    const list = this.doc.getIn(path, true) as Node | undefined;
    const node = this.doc.createNode({ name: adapter.name, address: adapter.address });
    if (isSeq(list)) list.add(node);
    else this.doc.setIn(path, this.doc.createNode([{ name: adapter.name, address: adapter.address }]));
  }

  removeAdapter(context: string, name: string): boolean {
    const path = this.adaptersPath(context);
    const list = path && (this.doc.getIn(path, true) as Node | undefined);
    if (!path || !isSeq(list)) return false;
    const index = list.items.findIndex((item) => {
      const n = isMap(item) ? item.get('name', true) : undefined;
      return isScalar(n) && n.value === name;
    });
    if (index < 0) return false;
    this.doc.deleteIn([...path, index]);
    return true;
  }

  private adaptersPath(context: string): (string | number)[] | undefined {
    if (context === BUILTIN_CONTEXT_NAME) return ['local', 'adapters'];
    const index = this.indexOf(context);
    return index < 0 ? undefined : ['contexts', index, 'adapters'];
  }

  toString(): string {
    return this.doc.toString({ lineWidth: 0 });
  }

  private indexOf(name: string): number {
    const contexts = this.doc.get('contexts', true) as Node | undefined;
    if (!isSeq(contexts)) return -1;
    return contexts.items.findIndex((item) => {
      if (!isMap(item)) return false;
      const n = item.get('name', true);
      return isScalar(n) && n.value === name;
    });
  }
}

function contextToYaml(spec: ContextSpec): Record<string, unknown> {
  const cluster = spec.cluster.sandbox
    ? { sandbox: true }
    : dropUndefined({ kubeconfig: spec.cluster.kubeconfig, context: spec.cluster.context });
  const provider = spec.provider.builtin ? { builtin: true } : dropUndefined({ url: spec.provider.url });
  return dropUndefined({
    name: spec.name,
    cluster: Object.keys(cluster).length > 0 ? cluster : undefined,
    provider: Object.keys(provider).length > 0 ? provider : undefined,
    namespace: spec.namespace,
    adapters: spec.adapters?.length
      ? spec.adapters.map((a) => ({ name: a.name, address: a.address }))
      : undefined,
  });
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
