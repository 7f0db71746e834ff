// Renders of installers whose output is a function of their input (istioctl manifest generate): the same
// installer (by its SHA-256), the same command lines, the same manifests. The cache saves running the
// installer again on every deploy and upgrade; a changed installer file has another digest and renders
// anew. Installers that generate keys or random checksums at render time (linkerd, kumactl, helm charts
// with genCA) are never cached: their secrets must not be reused, nor kept on disk.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstallerSpec } from './types.js';

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface RenderCache {
  get(): Promise<string | undefined>;
  put(text: string): Promise<void>;
}

/** The cache entry of one render: <cacheDir>/renders/<binary>/<sha256 of installer digest and commands>.yaml */
export async function renderCache(
  cacheDir: string,
  binary: string,
  installerPath: string,
  commands: readonly string[][],
): Promise<RenderCache> {
  const installer = await fileDigest(installerPath);
  const key = createHash('sha256')
    .update(JSON.stringify([installer, commands]))
    .digest('hex');
  const dir = join(cacheDir, 'renders', binary);
  const file = join(dir, `${key}.yaml`);
  return {
    async get() {
      try {
        return await readFile(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    async put(text) {
      // Best effort: a cache that cannot be written only costs the next render.
      const tmp = `${file}.${randomBytes(6).toString('hex')}`;
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeFile(tmp, text, { mode: 0o600 });
        await rename(tmp, file);
      } catch {
        await rm(tmp, { force: true });
      }
    },
  };
}

export interface CachedRender {
  cacheDir: string;
  spec: Pick<InstallerSpec, 'binary' | 'deterministicRender'>;
  installerPath: string;
  commands: string[][];
  /** Runs the installer. */
  render(): Promise<string>;
  onHit?(): void;
}

/** The installer's output: from the cache when its renders are deterministic and it rendered these before. */
export async function renderOnce(o: CachedRender): Promise<string> {
  if (!o.spec.deterministicRender) return o.render();
  const cache = await renderCache(o.cacheDir, o.spec.binary, o.installerPath, o.commands);
  const hit = await cache.get();
  if (hit !== undefined) {
    o.onHit?.();
    return hit;
  }
  const text = await o.render();
  await cache.put(text);
  return text;
}
