import { readFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { formatForFile, parseDesign, renderDesign } from '../../provider/design-file.js';
import { openProviderSession } from '../../provider/session.js';
import { contentHash } from '../../provider/sync/content.js';
import { SyncEngine } from '../../provider/sync/engine.js';
import type { Invocation } from '../shared/invocation.js';
import { contextProvider, sessionHost, syncLog } from '../provider/host.js';

export async function run(
  inv: Invocation,
  name: string,
  opts: { file?: string; force?: true; provider?: string },
): Promise<void> {
  const session = await openProviderSession(sessionHost(inv), await contextProvider(inv), {
    url: opts.provider,
  });
  const engine = new SyncEngine(session, syncLog(inv));
  // What the file was last synced as, read before the pull moves it.
  const base = await engine.bases.get('designs', name);
  const { doc } = await engine.pull('designs', name);
  if (!opts.file) {
    inv.out.write(await renderDesign(doc.data, inv.format === 'json' ? 'json' : 'yaml'));
    return;
  }
  const existing = await readFile(opts.file, 'utf8').catch(() => undefined);
  if (existing !== undefined && !opts.force) {
    const local = contentHash(parseDesign(existing, opts.file).data);
    if (local !== contentHash(doc.data) && local !== base?.hash) {
      throw new UsageError(`${opts.file} has changes that were never pushed`, {
        hint: `push them first (meshdeck design push ${opts.file}), or overwrite with --force`,
      });
    }
  }
  await writeFileAtomic(opts.file, await renderDesign(doc.data, formatForFile(opts.file)), {
    mode: 0o644,
    dirMode: 0o755,
  });
  inv.log.success(`design "${name}" version ${doc.version} written to ${opts.file}`);
}
