// Where design input comes from: files, folders (their .yaml, .yml and .json files), stdin ("-") and
// http(s) URLs. Every source is size-checked before it is parsed, and URLs are fetched with a timeout.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { OperationError, UsageError, errnoCode } from '../core/errors.js';
import { readFileCapped, type CappedRead } from '../core/fs/read-capped.js';
import { setting } from '../core/settings.js';

export interface SourceText {
  /** The path as the user wrote it, the URL, or "stdin". */
  name: string;
  text: string;
}

export interface ReadSourcesOptions {
  /** Read folders recursively. */
  recursive?: boolean;
  /** Limit for fetching one URL. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Where "-" reads from. */
  stdin: () => AsyncIterable<Uint8Array | string>;
  /** One source larger than this is refused before it is parsed. */
  maxBytes?: number;
}

export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export async function readSources(
  specs: readonly string[],
  options: ReadSourcesOptions,
): Promise<SourceText[]> {
  if (specs.length === 0) {
    throw new UsageError('no design input given', {
      hint: 'name files, folders or URLs with -f (use "-f -" for stdin), or a design from "meshdeck design list"',
    });
  }
  if (specs.filter((s) => s === '-').length > 1) {
    throw new UsageError('stdin ("-") can be read only once', { hint: 'give "-f -" a single time' });
  }
  const out: SourceText[] = [];
  for (const spec of specs) {
    if (spec === '-') out.push({ name: 'stdin', text: await readStdin(options) });
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec))
      out.push({ name: spec, text: await fetchUrl(spec, options) });
    else out.push(...(await readPath(spec, options)));
  }
  return out;
}

function limitOf(options: ReadSourcesOptions): number {
  return options.maxBytes ?? MAX_SOURCE_BYTES;
}

function tooLarge(name: string, bytes: number | undefined, limit: number): UsageError {
  const size = bytes === undefined ? `more than ${formatBytes(limit)}` : formatBytes(bytes);
  return new UsageError(
    `${name} is ${size}; meshdeck reads design inputs of at most ${formatBytes(limit)} each`,
    {
      hint: 'split it into several files (a folder works), or check that this is the file you meant',
    },
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

async function readPath(path: string, options: ReadSourcesOptions): Promise<SourceText[]> {
  const info = await stat(path).catch((err: unknown) => {
    throw pathError(path, err);
  });
  if (info.isDirectory()) {
    const files = await manifestFiles(path, Boolean(options.recursive));
    if (files.length === 0) {
      throw new UsageError(`folder ${path} holds no .yaml, .yml or .json files`, {
        hint: options.recursive ? undefined : 'add -R to read its sub-folders too',
      });
    }
    const out: SourceText[] = [];
    for (const file of files) out.push(await readFile(file, options));
    return out;
  }
  return [await readFile(path, options)];
}

async function manifestFiles(dir: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    throw pathError(dir, err);
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...(await manifestFiles(path, true)));
    } else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      out.push(path);
    }
  }
  return out;
}

async function readFile(path: string, options: ReadSourcesOptions): Promise<SourceText> {
  const limit = limitOf(options);
  let read: CappedRead;
  try {
    read = await readFileCapped(path, limit, options.signal);
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw pathError(path, err);
  }
  if ('tooLarge' in read) throw tooLarge(path, read.tooLarge, limit);
  return { name: path, text: decode(path, read.bytes) };
}

async function readStdin(options: ReadSourcesOptions): Promise<string> {
  const limit = limitOf(options);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of options.stdin()) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    total += buf.length;
    if (total > limit) throw tooLarge('stdin', undefined, limit);
    chunks.push(buf);
  }
  return decode('stdin', Buffer.concat(chunks));
}

async function fetchUrl(url: string, options: ReadSourcesOptions): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${url} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`cannot read ${url}: only http:// and https:// URLs are supported`);
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const limit = limitOf(options);
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    if (!response.ok) {
      throw new OperationError(
        `fetching ${url} failed: HTTP ${response.status} ${response.statusText}`.trim(),
        {
          hint: 'check the URL; it must serve the manifest itself (for GitHub, use the "raw" link)',
        },
      );
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await response.body?.cancel();
      throw tooLarge(url, declared, limit);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    if (response.body) {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        total += chunk.length;
        if (total > limit) {
          throw tooLarge(url, undefined, limit);
        }
        chunks.push(Buffer.from(chunk));
      }
    }
    return decode(url, Buffer.concat(chunks));
  } catch (err) {
    if (err instanceof UsageError || err instanceof OperationError) throw err;
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new OperationError(`fetching ${url} timed out after ${options.timeoutMs / 1000}s`, {
        hint: `check that the server is reachable, or allow longer with ${setting('request-timeout')}`,
      });
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new OperationError(
      `fetching ${url} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      {
        hint: 'check the URL and your network connection',
        cause: err,
      },
    );
  }
}

function decode(name: string, bytes: Buffer): string {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new UsageError(`${name} is a compressed archive, not YAML or JSON`, {
      hint: 'render Helm charts first (helm template ...) and give meshdeck the result',
    });
  }
  if (bytes.includes(0)) {
    throw new UsageError(`${name} is not a text file (it contains NUL bytes)`, {
      hint: 'give YAML or JSON manifests',
    });
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function pathError(path: string, err: unknown): UsageError {
  const code = errnoCode(err);
  if (code === 'ENOENT') {
    return new UsageError(`${path}: no such file or folder`, { hint: 'check the path given with -f' });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new UsageError(`cannot read ${path}: permission denied`, {
      hint: `make it readable (chmod u+r ${path})`,
    });
  }
  if (code === 'ENOTDIR') return new UsageError(`${path}: a part of the path is a file, not a folder`);
  return new UsageError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
}
