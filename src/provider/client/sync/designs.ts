// Designs kept with the provider, the system of record: what `design import` and `design push` publish,
// and where every design command finds a design by name. The sync engine gives the offline behaviour:
// a write queued in the outbox while the provider is unreachable, reads from the per-user cache with a
// stale warning. Only the one design model goes over the wire: the meshdeck/v1 Design document.
import { issuesError } from '../../../design/issues.js';
import type { LoadResult } from '../../../design/load.js';
import { toDocument, type DesignDocument, type LoadedDesign } from '../../../design/model.js';
import { DNS_LABEL } from '../../../design/names.js';
import { isDesignDocument, loadStoredDesign } from '../../../design/stored.js';
import { validateDesign } from '../../../design/validate.js';
import { UsageError } from '../../../core/errors.js';
import { didYouMean } from '../../../core/suggest.js';
import type { RemoteDocument } from '../../protocol/documents.js';
import type { CachedDocument } from './cache.js';
import { DocumentNotFoundError, type PushResult, type SyncEngine } from './engine.js';

export interface DesignEntry {
  name: string;
  design: DesignDocument;
  /** The provider's version of the document (it counts every change). */
  revision: number;
  updatedAt: string;
  /** Changed here and waiting in the outbox. */
  pending: boolean;
}

/** Where a stored design's positions point: the lines `meshdeck design pull NAME -o json` prints. */
export function designSource(name: string): string {
  return `provider:designs/${name}`;
}

export class DesignLibrary {
  constructor(readonly engine: SyncEngine) {}

  /** "the built-in provider" or its URL, for messages. */
  get provider(): string {
    const target = this.engine.session.target;
    return target.builtin ? 'the built-in provider' : target.url;
  }

  /**
   * Checks the rules a design must follow everywhere, then stores it under its name (replacing the
   * provider's copy when it is the one last synced here; else a conflict, unless `force`).
   */
  async publish(design: LoadedDesign, options: { force?: boolean } = {}): Promise<PushResult> {
    const { issues } = validateDesign(design, { defaultNamespace: 'default' });
    const errors = issues.filter((i) => i.severity === 'error');
    if (errors.length > 0) throw issuesError(errors, design.sources);
    return this.engine.push(
      'designs',
      { name: design.meta.name, data: toDocument(design) },
      { force: options.force },
    );
  }

  /** A design by name, loaded for use (positions in its JSON text); the cached copy while offline. */
  async load(name: string): Promise<LoadResult & { entry: DesignEntry; stale: boolean }> {
    if (!DNS_LABEL.test(name)) {
      throw new UsageError(`"${name}" is not a design name`, {
        hint: 'design names are lower-case letters, digits and "-" (meshdeck design list shows them)',
      });
    }
    let pulled;
    try {
      pulled = await this.engine.pull('designs', name);
    } catch (err) {
      if (!(err instanceof DocumentNotFoundError)) throw err;
      const known = (await this.list()).entries.map((e) => e.name);
      throw new UsageError(`design "${name}" is not on ${this.provider}${didYouMean(name, known)}`, {
        hint: known.length
          ? `known designs: ${known.join(', ')}; add one with "meshdeck design import"`
          : 'import one with "meshdeck design import -f FILE"',
      });
    }
    const loaded = loadStoredDesign(pulled.doc.data, designSource(name));
    return { ...loaded, entry: entryOf(pulled.doc), stale: pulled.stale };
  }

  /** Every design, by name; documents that are not designs are reported and left out. */
  async list(
    onProblem: (name: string, problem: string) => void = () => undefined,
  ): Promise<{ entries: DesignEntry[]; stale: boolean }> {
    const { items, stale } = await this.engine.list('designs');
    const entries: DesignEntry[] = [];
    for (const doc of items) {
      if (!isDesignDocument(doc.data)) {
        onProblem(doc.name, 'it is not a meshdeck design (apiVersion meshdeck/v1, kind Design)');
        continue;
      }
      entries.push(entryOf(doc));
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    return { entries, stale };
  }
}

function entryOf(doc: RemoteDocument | CachedDocument): DesignEntry {
  return {
    name: doc.name,
    // Checked by the caller: list leaves out what is not a design, load reports it as an issue.
    design: doc.data as DesignDocument,
    revision: doc.version,
    updatedAt: doc.updatedAt,
    pending: 'pending' in doc && doc.pending === true,
  };
}
