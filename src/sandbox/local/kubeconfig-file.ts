// The user's kubeconfig: the meshdeck-sandbox cluster, user and context are merged in (replacing only
// entries of those names, comments and other contexts untouched) and removed again on stop.
import { readFile } from 'node:fs/promises';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { UsageError, errnoCode } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { withFileLock } from '../../core/fs/lock.js';
import { SANDBOX_CONTEXT } from '../boot/context.js';

async function load(file: string): Promise<Document> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT')
      throw new UsageError(`cannot read kubeconfig ${file}: ${(err as Error).message}`, { cause: err });
  }
  const doc = parseDocument(text || '{}');
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const at = e.linePos ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    throw new UsageError(`kubeconfig ${file}${at} is not valid YAML: ${e.message.split('\n')[0]}`, {
      hint: 'fix the file, or point meshdeck at another one with --kubeconfig',
    });
  }
  if (!isMap(doc.contents))
    throw new UsageError(`kubeconfig ${file} is not a YAML mapping`, {
      hint: 'fix the file, or use --kubeconfig',
    });
  return doc;
}

function upsert(doc: Document, section: string, name: string, value: unknown): void {
  const list = doc.get(section);
  const entry = doc.createNode(value);
  if (!isSeq(list)) {
    doc.set(section, doc.createNode([value]));
    return;
  }
  const i = list.items.findIndex((item) => isMap(item) && item.get('name') === name);
  if (i >= 0) list.items[i] = entry;
  else list.items.push(entry);
}

function removeNamed(doc: Document, section: string, name: string): void {
  const list = doc.get(section);
  if (!isSeq(list)) return;
  list.items = list.items.filter((item) => !(isMap(item) && item.get('name') === name));
}

/** Merges the sandbox entries of `sandboxConfig` (as startSandbox writes it) into the user's file. */
export async function mergeSandboxContext(
  file: string,
  sandboxConfig: Record<string, unknown>,
): Promise<void> {
  await withFileLock(file, async () => {
    const doc = await load(file);
    const pick = (section: string) => (sandboxConfig[section] as Array<{ name: string }>)[0];
    const cluster = pick('clusters');
    const user = pick('users');
    const context = pick('contexts');
    if (!doc.has('apiVersion')) doc.set('apiVersion', 'v1');
    if (!doc.has('kind')) doc.set('kind', 'Config');
    upsert(doc, 'clusters', cluster.name, cluster);
    upsert(doc, 'users', user.name, user);
    upsert(doc, 'contexts', context.name, context);
    const current = doc.get('current-context');
    if (typeof current !== 'string' || current === '') doc.set('current-context', SANDBOX_CONTEXT);
    await writeFileAtomic(file, doc.toString({ lineWidth: 0 }), { mode: 0o600 });
  });
}

/** Removes the sandbox's cluster, user and context; the current context is unset if it was ours. */
export async function removeSandboxContext(file: string): Promise<void> {
  await withFileLock(file, async () => {
    let doc: Document;
    try {
      await readFile(file, 'utf8');
      doc = await load(file);
    } catch {
      return;
    }
    removeNamed(doc, 'clusters', SANDBOX_CONTEXT);
    removeNamed(doc, 'users', `${SANDBOX_CONTEXT}-admin`);
    removeNamed(doc, 'contexts', SANDBOX_CONTEXT);
    if (doc.get('current-context') === SANDBOX_CONTEXT) doc.delete('current-context');
    await writeFileAtomic(file, doc.toString({ lineWidth: 0 }), { mode: 0o600 });
  });
}
