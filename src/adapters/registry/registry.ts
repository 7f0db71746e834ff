// Every adapter a context can use: the built-in ones (in this process) and the external ones recorded in
// the context (Meshery adapters over gRPC). Commands ask for an adapter by name and get a MeshAdapter
// either way; gRPC is loaded only when an external adapter is opened.
import type { AdapterRef, ContextSpec } from '../../core/config/model.js';
import { UsageError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { builtinAdapterEntries } from '../builtin/index.js';
import type { AdapterKind, MeshAdapter } from '../types.js';

export interface AdapterEntry {
  name: string;
  kind: AdapterKind;
  /** host:port of an external adapter. */
  address?: string;
}

export interface RegistryOptions {
  /** What an external adapter is waiting for (its backoff), for stderr. */
  onWait?: (message: string) => void;
  /** Longest wait for one answer from an external adapter (default 5 s). */
  callTimeoutMs?: number;
}

export class AdapterRegistry {
  private readonly opened = new Map<string, MeshAdapter>();

  constructor(
    private readonly context: Pick<ContextSpec, 'name' | 'adapters'>,
    private readonly options: RegistryOptions = {},
  ) {}

  /** Built-in adapters first, then the context's external ones (a built-in name shadows an external). */
  entries(): AdapterEntry[] {
    const builtin = builtinAdapterEntries().map((e) => ({ name: e.name, kind: 'built-in' as const }));
    const external = (this.context.adapters ?? [])
      .filter((a) => !builtin.some((b) => b.name === a.name))
      .map((a: AdapterRef) => ({ name: a.name, kind: 'external' as const, address: a.address }));
    return [...builtin, ...external];
  }

  isBuiltin(name: string): boolean {
    return builtinAdapterEntries().some((e) => e.name === name);
  }

  /** The adapter of that name; a usage error naming the known ones when there is none. */
  async open(name: string): Promise<MeshAdapter> {
    const already = this.opened.get(name);
    if (already) return already;
    const adapter = await this.create(name);
    this.opened.set(name, adapter);
    return adapter;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.opened.values()].map((a) => a.close()));
    this.opened.clear();
  }

  private async create(name: string): Promise<MeshAdapter> {
    const builtin = builtinAdapterEntries().find((e) => e.name === name);
    if (builtin) return builtin.create();
    const external = this.context.adapters?.find((a) => a.name === name);
    if (external) {
      const { ExternalAdapter } = await import('../external/adapter.js');
      return new ExternalAdapter({
        name,
        address: external.address,
        onWait: this.options.onWait,
        callTimeoutMs: this.options.callTimeoutMs,
      });
    }
    const names = this.entries().map((e) => e.name);
    throw new UsageError(`no adapter "${name}" in context "${this.context.name}"${didYouMean(name, names)}`, {
      hint: names.length
        ? `adapters here: ${names.join(', ')}; add an external one with "meshdeck adapter add ${name} --address host:port"`
        : `add one with "meshdeck adapter add ${name} --address host:port"`,
    });
  }
}
