import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { formatIssueLine } from '../../design/issues.js';
import { loadDesign } from '../../design/load.js';
import { toDocument } from '../../design/model.js';
import { storedDesignText } from '../../design/stored.js';
import { UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { toYaml } from '../../core/output/yaml-text.js';
import { contentHash } from '../../provider/client/sync/content.js';
import type { Invocation } from '../shared/invocation.js';
import { parseProviderFlag, type ProviderOptions } from '../shared/flags/provider.js';

interface Options extends ProviderOptions {
  name: string;
  file?: string;
  force: boolean;
}

export function complete(
  _inv: Invocation,
  name: string,
  flags: { file?: string; force?: true; provider?: string },
): Options {
  return { name, file: flags.file, force: flags.force === true, ...parseProviderFlag(flags) };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const name = opts.name;
  const library = await inv.factory.designLibrary({ provider: opts.providerUrl });
  // What the file was last synced as, read before the pull moves it.
  const base = await library.engine.bases.get('designs', name);
  const { entry, issues } = await library.load(name);
  // Shown, not refused: pulling it is how a broken design gets fixed.
  for (const i of issues) inv.log.warn(formatIssueLine(i));
  const format = opts.file ? (extname(opts.file).toLowerCase() === '.json' ? 'json' : 'yaml') : inv.format;
  const text = format === 'json' ? storedDesignText(entry.design) : toYaml(entry.design);
  if (!opts.file) {
    inv.out.write(text);
    return;
  }
  const existing = await readFile(opts.file, 'utf8').catch(() => undefined);
  if (existing !== undefined && !opts.force) {
    const local = contentHash(toDocument(loadDesign([{ name: opts.file, text: existing }]).design));
    if (local !== contentHash(entry.design) && local !== base?.hash) {
      throw new UsageError(`${opts.file} has changes that were never pushed`, {
        hint: `push them first (meshdeck design push ${opts.file}), or overwrite with --force`,
      });
    }
  }
  await writeFileAtomic(opts.file, text, { mode: 0o644, dirMode: 0o755 });
  inv.log.success(`design "${name}" version ${entry.revision} written to ${opts.file}`);
}
