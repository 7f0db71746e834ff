// The local design library: designs imported (or pulled from the provider) are kept in the cache folder,
// one JSON file per design name. Like everything in the cache it can be deleted at any time; the provider
// holds the durable copy (meshdeck design push).
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, errnoCode } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { MeshdeckPaths } from '../paths.js';
import { didYouMean } from '../suggest.js';
import { assembleDesign, nestedDoc, type LoadResult } from './load.js';
import { DESIGN_API_VERSION, DESIGN_KIND, type DesignDocument, type SourceFormat } from './model.js';
import { DNS_LABEL, isRecord } from './names.js';
import { parseSource } from './parse.js';

export interface LibraryEntry {
  design: DesignDocument;
  /** Where it was imported from (files, URLs, stdin) or "provider". */
  source: string;
  format: SourceFormat;
  savedAt: string;
  /** The file it is kept in. */
  file: string;
}

export function designLibraryDir(paths: MeshdeckPaths): string {
  return join(paths.cacheDir, 'designs');
}

export function libraryFile(paths: MeshdeckPaths, name: string): string {
  return join(designLibraryDir(paths), `${name}.json`);
}

export async function saveDesign(
  paths: MeshdeckPaths,
  design: DesignDocument,
  source: string,
  format: SourceFormat,
): Promise<LibraryEntry> {
  const file = libraryFile(paths, design.metadata.name);
  const entry = { design, source, format, savedAt: new Date().toISOString() };
  await writeFileAtomic(file, `${JSON.stringify(entry, null, 2)}\n`);
  return { ...entry, file };
}

/** Every design in the library, by name; unreadable files are reported, not fatal. */
export async function listDesigns(
  paths: MeshdeckPaths,
  onProblem: (file: string, problem: string) => void = () => undefined,
): Promise<LibraryEntry[]> {
  const dir = designLibraryDir(paths);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const out: LibraryEntry[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const entry = await readEntry(file).catch((err: unknown) => {
      onProblem(file, (err as Error).message);
      return undefined;
    });
    if (entry) out.push(entry);
  }
  return out;
}

/** One design by name; a usage error naming the known ones when it is not there. */
export async function findDesign(
  paths: MeshdeckPaths,
  name: string,
): Promise<LibraryEntry & { text: string }> {
  const known = async () => (await listDesigns(paths)).map((e) => e.design.metadata.name);
  if (!DNS_LABEL.test(name)) throw await notFound(name, await known());
  const file = libraryFile(paths, name);
  try {
    await stat(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw await notFound(name, await known());
    throw err;
  }
  const text = await readFile(file, 'utf8');
  return { ...(await readEntry(file, text)), text };
}

/** A library design loaded like any other source, with positions in its library file. */
export async function loadFromLibrary(
  paths: MeshdeckPaths,
  name: string,
): Promise<LoadResult & { entry: LibraryEntry }> {
  const entry = await findDesign(paths, name);
  const [doc] = parseSource(entry.file, entry.text).docs;
  const design = nestedDoc(doc, ['design'], (doc.value as { design: unknown }).design);
  const loaded = assembleDesign([design], new Map([[entry.file, entry.text]]), { name, origin: doc.origin });
  return { ...loaded, entry };
}

async function notFound(name: string, known: string[]): Promise<UsageError> {
  return new UsageError(`design "${name}" is not in the local library${didYouMean(name, known)}`, {
    hint: known.length
      ? `known designs: ${known.join(', ')}; import more with "meshdeck design import"`
      : 'import one with "meshdeck design import -f FILE", or pull it from the provider',
  });
}

async function readEntry(file: string, text?: string): Promise<LibraryEntry> {
  const raw = JSON.parse(text ?? (await readFile(file, 'utf8'))) as unknown;
  const design = isRecord(raw) ? raw.design : undefined;
  if (
    !isRecord(raw) ||
    !isRecord(design) ||
    design.apiVersion !== DESIGN_API_VERSION ||
    design.kind !== DESIGN_KIND ||
    !isRecord(design.metadata) ||
    typeof design.metadata.name !== 'string'
  ) {
    throw new Error(`${file} is not a meshdeck design library entry`);
  }
  return {
    design: design as unknown as DesignDocument,
    source: typeof raw.source === 'string' ? raw.source : '',
    format: (raw.format as SourceFormat) ?? 'design',
    savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : '',
    file,
  };
}
