// Named contexts: which cluster, which provider, which namespace. The domain operations behind
// `meshdeck context ...`, and the resolution every other command uses to find its target.
import { UsageError } from '../errors.js';
import { location } from '../output/frame.js';
import { didYouMean } from '../suggest.js';
import { BUILTIN_CONTEXT, BUILTIN_CONTEXT_NAME, type ContextSpec, type MeshdeckConfig } from './model.js';
import type { LoadedConfig } from './store.js';

export type ContextSource = 'flag' | 'env' | 'config' | 'default';

export interface ResolvedContext {
  spec: ContextSpec;
  source: ContextSource;
}

export interface ContextSelectors {
  /** --context */
  flag?: string;
  /** MESHDECK_CONTEXT */
  env?: string;
}

export interface ContextOverrides {
  kubeconfig?: string;
  kubeContext?: string;
  namespace?: string;
}

export function allContexts(config: MeshdeckConfig): ContextSpec[] {
  const builtin = config.localAdapters
    ? { ...BUILTIN_CONTEXT, adapters: config.localAdapters }
    : BUILTIN_CONTEXT;
  return [builtin, ...config.contexts];
}

export function currentContextName(config: MeshdeckConfig): string {
  return config.currentContext ?? BUILTIN_CONTEXT_NAME;
}

export function findContext(config: MeshdeckConfig, name: string): ContextSpec | undefined {
  return allContexts(config).find((c) => c.name === name);
}

/** The context a command runs against: --context, then MESHDECK_CONTEXT, then current-context. */
export function resolveContext(loaded: LoadedConfig, selectors: ContextSelectors): ResolvedContext {
  const { config } = loaded;
  const [name, source, origin]: [string, ContextSource, string] =
    selectors.flag !== undefined
      ? [selectors.flag, 'flag', 'from --context']
      : selectors.env
        ? [selectors.env, 'env', 'from MESHDECK_CONTEXT']
        : config.currentContext !== undefined
          ? [
              config.currentContext,
              'config',
              `current-context at ${location(loaded.path, loaded.currentContextAt?.line, loaded.currentContextAt?.col)}`,
            ]
          : [BUILTIN_CONTEXT_NAME, 'default', 'the built-in default'];
  const spec = findContext(config, name);
  if (!spec) throw unknownContext(config, name, origin);
  return { spec, source };
}

/** A context with --kubeconfig, --kube-context and -n applied on top, for one command. */
export function withOverrides(spec: ContextSpec, overrides: ContextOverrides): ContextSpec {
  const cluster =
    overrides.kubeconfig !== undefined || overrides.kubeContext !== undefined
      ? {
          kubeconfig: overrides.kubeconfig ?? (spec.cluster.sandbox ? undefined : spec.cluster.kubeconfig),
          context: overrides.kubeContext ?? (spec.cluster.sandbox ? undefined : spec.cluster.context),
        }
      : spec.cluster;
  return { ...spec, cluster, namespace: overrides.namespace ?? spec.namespace };
}

export function unknownContext(config: MeshdeckConfig, name: string, origin?: string): UsageError {
  const names = allContexts(config).map((c) => c.name);
  return new UsageError(
    `context "${name}" not found${origin ? ` (${origin})` : ''}${didYouMean(name, names)}`,
    {
      hint: `known contexts: ${names.join(', ')}; create it with "meshdeck context create ${name}"`,
    },
  );
}
