// Reads config.yaml into the model, checking every field against schema meshdeck/v1. Each problem keeps
// the line and column of the node it is about, so the user is told exactly where to look.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { didYouMean } from '../suggest.js';
import {
  BUILTIN_CONTEXT_NAME,
  CONFIG_API_VERSION,
  CONFIG_KIND,
  adapterAddressProblem,
  adapterNameProblem,
  contextNameProblem,
  namespaceProblem,
  providerUrlProblem,
  type AdapterRef,
  type ClusterRef,
  type ContextSpec,
  type MeshdeckConfig,
  type ProviderRef,
} from './model.js';

export interface ConfigIssue {
  message: string;
  line?: number;
  col?: number;
  hint?: string;
}

export interface ParsedConfig {
  config: MeshdeckConfig;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  doc: Document.Parsed | undefined;
  lineCounter: LineCounter;
  /** Where current-context is written, for messages about it. */
  currentContextAt?: { line: number; col: number };
}

const TOP_KEYS = ['apiVersion', 'kind', 'current-context', 'contexts', 'local'];
const CONTEXT_KEYS = ['name', 'cluster', 'provider', 'namespace', 'adapters'];
const LOCAL_KEYS = ['adapters'];
const ADAPTER_KEYS = ['name', 'address'];
const CLUSTER_KEYS = ['sandbox', 'kubeconfig', 'context'];
const PROVIDER_KEYS = ['url', 'builtin'];

class Checker {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  constructor(private readonly lineCounter: LineCounter) {}

  at(node: Node | null | undefined): { line?: number; col?: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return {};
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, col };
  }

  error(node: Node | null | undefined, message: string, hint?: string): void {
    this.errors.push({ message, ...(hint ? { hint } : {}), ...this.at(node) });
  }

  warn(node: Node | null | undefined, message: string, hint?: string): void {
    this.warnings.push({ message, ...(hint ? { hint } : {}), ...this.at(node) });
  }

  /** Returns the map's pairs as [key, value node, key node], warning about unknown keys. */
  entries(
    node: Node,
    where: string,
    known: readonly string[],
  ): Map<string, { value: Node | null; key: Node }> {
    const result = new Map<string, { value: Node | null; key: Node }>();
    if (!isMap(node)) return result;
    for (const pair of node.items) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.error(keyNode, `${where}: keys must be plain strings`);
        continue;
      }
      if (result.has(key)) {
        this.error(keyNode, `${where}: key "${key}" appears twice`);
        continue;
      }
      if (!known.includes(key)) {
        this.warn(keyNode, `${where}: unknown key "${key}"${didYouMean(key, known)}; it is ignored`);
      }
      result.set(key, { value: (pair.value as Node | null) ?? null, key: keyNode });
    }
    return result;
  }

  string(node: Node | null, where: string): string | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return node.value;
    this.error(node, `${where} must be a non-empty string`);
    return undefined;
  }

  boolean(node: Node | null, where: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.error(node, `${where} must be true or false`);
    return undefined;
  }
}

export function parseConfig(source: string): ParsedConfig {
  const lineCounter = new LineCounter();
  const empty: MeshdeckConfig = { contexts: [] };
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const checker = new Checker(lineCounter);
  const result: ParsedConfig = {
    config: empty,
    errors: checker.errors,
    warnings: checker.warnings,
    doc,
    lineCounter,
  };

  for (const err of doc.errors) {
    const start = lineCounter.linePos(err.pos[0]);
    checker.errors.push({
      message: `invalid YAML: ${firstLine(err.message)}`,
      line: start.line,
      col: start.col,
      hint: 'fix the YAML syntax at that position',
    });
  }
  if (checker.errors.length > 0) return result;

  const root = doc.contents as Node | null;
  // An empty file is an empty config: nothing configured yet.
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return result;
  if (!isMap(root)) {
    checker.error(root, 'the config file must be a mapping with apiVersion, current-context and contexts');
    return result;
  }

  const top = checker.entries(root, 'config', TOP_KEYS);
  const apiVersion = top.get('apiVersion');
  if (!apiVersion) {
    checker.error(
      root,
      'the config file has no apiVersion',
      `add "apiVersion: ${CONFIG_API_VERSION}" at the top`,
    );
    return result;
  }
  const version = isScalar(apiVersion.value) ? String(apiVersion.value.value) : undefined;
  if (version !== CONFIG_API_VERSION) {
    checker.error(
      apiVersion.value,
      `unsupported config schema version "${version ?? '(not a string)'}"`,
      `this meshdeck reads apiVersion ${CONFIG_API_VERSION}; upgrade meshdeck if the file was written by a newer one, or fix the value`,
    );
    return result;
  }
  const kind = top.get('kind');
  if (kind && !(isScalar(kind.value) && kind.value.value === CONFIG_KIND)) {
    checker.error(kind.value, `kind must be "${CONFIG_KIND}"`);
  }

  const config: MeshdeckConfig = { contexts: [] };
  const current = top.get('current-context');
  if (current && !(isScalar(current.value) && (current.value.value === null || current.value.value === ''))) {
    config.currentContext = checker.string(current.value, 'current-context');
    const at = checker.at(current.value);
    if (at.line !== undefined && at.col !== undefined)
      result.currentContextAt = { line: at.line, col: at.col };
  }

  const contexts = top.get('contexts');
  if (contexts && !(isScalar(contexts.value) && contexts.value.value === null)) {
    if (!isSeq(contexts.value)) {
      checker.error(contexts.value, 'contexts must be a list of contexts (each starting with "- name: ...")');
    } else {
      const seen = new Set<string>();
      contexts.value.items.forEach((item, index) => {
        const spec = parseContext(checker, item as Node, index);
        if (!spec) return;
        if (seen.has(spec.name)) {
          checker.error((item as Node) ?? null, `context "${spec.name}" is defined twice`);
          return;
        }
        seen.add(spec.name);
        config.contexts.push(spec);
      });
    }
  }

  const local = top.get('local');
  if (local) config.localAdapters = parseLocal(checker, local.value);

  if (config.currentContext && config.currentContext !== BUILTIN_CONTEXT_NAME) {
    const names = config.contexts.map((c) => c.name);
    if (!names.includes(config.currentContext)) {
      checker.warn(
        current?.value,
        `current-context "${config.currentContext}" is not defined in contexts${didYouMean(config.currentContext, names)}`,
        'run "meshdeck context use NAME" with one of "meshdeck context list"',
      );
    }
  }
  result.config = config;
  return result;
}

function parseContext(checker: Checker, node: Node | null, index: number): ContextSpec | undefined {
  const where = `contexts[${index}]`;
  if (!isMap(node)) {
    checker.error(node, `${where} must be a mapping with name, cluster, provider and namespace`);
    return undefined;
  }
  const fields = checker.entries(node, where, CONTEXT_KEYS);
  const nameField = fields.get('name');
  if (!nameField) {
    checker.error(node, `${where} has no name`);
    return undefined;
  }
  const name = checker.string(nameField.value, `${where}.name`);
  if (name === undefined) return undefined;
  const label = `context "${name}"`;
  const nameProblem = contextNameProblem(name);
  if (nameProblem) {
    checker.error(
      nameField.value,
      nameProblem,
      name === BUILTIN_CONTEXT_NAME ? 'the built-in context needs no entry; rename this one' : undefined,
    );
  }

  const spec: ContextSpec = { name, cluster: {}, provider: {}, namespace: 'default' };
  const cluster = fields.get('cluster');
  if (cluster) spec.cluster = parseCluster(checker, cluster.value, `${label}: cluster`);
  const provider = fields.get('provider');
  if (provider) spec.provider = parseProvider(checker, provider.value, `${label}: provider`);
  const namespace = fields.get('namespace');
  if (namespace) {
    const ns = checker.string(namespace.value, `${label}: namespace`);
    if (ns !== undefined) {
      const problem = namespaceProblem(ns);
      if (problem) checker.error(namespace.value, `${label}: ${problem}`);
      else spec.namespace = ns;
    }
  }
  const adapters = fields.get('adapters');
  if (adapters) spec.adapters = parseAdapters(checker, adapters.value, `${label}: adapters`);
  return spec;
}

/** `local:`, the settings of the built-in context (which has no entry in contexts). */
function parseLocal(checker: Checker, node: Node | null): AdapterRef[] | undefined {
  if (isScalar(node) && node.value === null) return undefined;
  const where = `the built-in context "${BUILTIN_CONTEXT_NAME}"`;
  if (!isMap(node)) {
    checker.error(node, `local (${where}) must be a mapping with adapters`);
    return undefined;
  }
  const adapters = checker.entries(node, 'local', LOCAL_KEYS).get('adapters');
  return adapters ? parseAdapters(checker, adapters.value, `${where}: adapters`) : undefined;
}

function parseAdapters(checker: Checker, node: Node | null, where: string): AdapterRef[] {
  if (isScalar(node) && node.value === null) return [];
  if (!isSeq(node)) {
    checker.error(node, `${where} must be a list of adapters (each "- name: ...", "address: host:port")`);
    return [];
  }
  const result: AdapterRef[] = [];
  node.items.forEach((item, index) => {
    const at = `${where}[${index}]`;
    if (!isMap(item)) {
      checker.error(item as Node, `${at} must be a mapping with name and address`);
      return;
    }
    const fields = checker.entries(item, at, ADAPTER_KEYS);
    const nameField = fields.get('name');
    const addressField = fields.get('address');
    if (!nameField || !addressField) {
      checker.error(item, `${at} needs both name and address`);
      return;
    }
    const name = checker.string(nameField.value, `${at}.name`);
    const address = checker.string(addressField.value, `${at}.address`);
    if (name === undefined || address === undefined) return;
    const problem = adapterNameProblem(name);
    if (problem) return checker.error(nameField.value, `${at}.name: ${problem}`);
    const addressProblem = adapterAddressProblem(address);
    if (addressProblem) return checker.error(addressField.value, `${at}.address: ${addressProblem}`);
    if (result.some((a) => a.name === name)) {
      return checker.error(nameField.value, `${where}: adapter "${name}" is defined twice`);
    }
    result.push({ name, address });
  });
  return result;
}

function parseCluster(checker: Checker, node: Node | null, where: string): ClusterRef {
  if (!isMap(node)) {
    checker.error(node, `${where} must be a mapping with kubeconfig and context, or sandbox: true`);
    return {};
  }
  const fields = checker.entries(node, where, CLUSTER_KEYS);
  const ref: ClusterRef = {};
  const sandbox = fields.get('sandbox');
  if (sandbox) ref.sandbox = checker.boolean(sandbox.value, `${where}.sandbox`);
  const kubeconfig = fields.get('kubeconfig');
  if (kubeconfig) ref.kubeconfig = checker.string(kubeconfig.value, `${where}.kubeconfig`);
  const context = fields.get('context');
  if (context) ref.context = checker.string(context.value, `${where}.context`);
  if (ref.sandbox && (ref.kubeconfig || ref.context)) {
    checker.error(node, `${where}: sandbox: true cannot be combined with kubeconfig or context`);
  }
  return ref;
}

function parseProvider(checker: Checker, node: Node | null, where: string): ProviderRef {
  if (!isMap(node)) {
    checker.error(node, `${where} must be a mapping with url, or builtin: true`);
    return {};
  }
  const fields = checker.entries(node, where, PROVIDER_KEYS);
  const ref: ProviderRef = {};
  const url = fields.get('url');
  if (url) {
    const value = checker.string(url.value, `${where}.url`);
    const problem = value === undefined ? undefined : providerUrlProblem(value);
    if (problem) checker.error(url.value, `${where}.url: ${problem}`);
    else ref.url = value;
  }
  const builtin = fields.get('builtin');
  if (builtin) ref.builtin = checker.boolean(builtin.value, `${where}.builtin`);
  if (ref.builtin && ref.url) checker.error(node, `${where}: builtin: true cannot be combined with url`);
  return ref;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
