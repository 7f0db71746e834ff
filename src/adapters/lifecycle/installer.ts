// Finding a mesh's official installer: --installer PATH, else the program on PATH (when it renders the
// version asked for), else the cache, else a download from the mesh's official release URL (or the mirror
// MESHDECK_RELEASE_MIRROR names) checked against the release's published SHA-256. A download whose digest
// differs is deleted and refused; nothing unverified is ever run.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, chmod, constants, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { OperationError, UsageError } from '../../core/errors.js';
import type { Env } from '../../core/paths.js';
import type { ChecksumSource, MeshLifecycle, Platform } from './types.js';

const run = promisify(execFile);

export const MIRROR_ENV = 'MESHDECK_RELEASE_MIRROR';

export interface InstallerOptions {
  /** --installer */
  explicit?: string;
  env: Env;
  cacheDir: string;
  signal?: AbortSignal;
  /** Progress lines (stderr). */
  log?: (message: string) => void;
  /** Limit for each download. */
  timeoutMs?: number;
  platform?: Platform;
}

export interface Installer {
  path: string;
  /** The installer's own version (the mesh's, or helm's). */
  version: string;
  source: 'flag' | 'path' | 'cache' | 'download';
}

/** The official URL, or its copy under the mirror: `<mirror>/<host>/<path>`. */
export function mirrored(env: Env, url: string): string {
  const mirror = env[MIRROR_ENV];
  if (!mirror) return url;
  const u = new URL(url);
  return `${mirror.replace(/\/+$/, '')}/${u.host}${u.pathname}${u.search}`;
}

export function currentPlatform(): Platform {
  const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm' };
  const goOs: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };
  return { os: goOs[platform()] ?? platform(), arch: goArch[arch()] ?? arch() };
}

export async function resolveInstaller(
  mesh: MeshLifecycle,
  meshVersion: string,
  options: InstallerOptions,
): Promise<Installer> {
  const spec = mesh.installer;
  const wanted = spec.installerVersion(meshVersion);
  if (options.explicit) {
    const path = options.explicit;
    if (!(await isExecutable(path)))
      throw new UsageError(`--installer ${path}: not an executable file`, {
        hint: `give the path of ${spec.binary}, or leave --installer out to download it`,
      });
    const version = await installerVersion(mesh, path, options.signal);
    if (!spec.rendersAnyVersion && version !== wanted)
      throw new UsageError(
        `--installer ${path} is ${spec.binary} ${version ?? '(version unknown)'}, which renders ${mesh.title} ${version ?? '?'}, not ${meshVersion}`,
        { hint: `give --version ${version ?? '<its version>'}, or an installer of ${meshVersion}` },
      );
    return { path, version: version ?? wanted, source: 'flag' };
  }
  const onPath = await findOnPath(spec.binary, options.env);
  if (onPath) {
    const version = await installerVersion(mesh, onPath, options.signal).catch(() => undefined);
    if (version && (spec.rendersAnyVersion || version === wanted))
      return { path: onPath, version, source: 'path' };
    options.log?.(
      `${spec.binary} on PATH (${onPath}) is ${version ?? 'of an unknown version'}, not ${wanted}: using the release's`,
    );
  }
  const cached = join(options.cacheDir, 'installers', spec.binary, wanted, spec.binary);
  if (await isExecutable(cached)) return { path: cached, version: wanted, source: 'cache' };
  await download(mesh, wanted, cached, options);
  return { path: cached, version: wanted, source: 'download' };
}

async function installerVersion(
  mesh: MeshLifecycle,
  path: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const { stdout } = await run(path, mesh.installer.versionCommand, { signal, timeout: 30_000 });
    return mesh.installer.parseVersion(stdout);
  } catch (err) {
    throw new OperationError(`${path} ${mesh.installer.versionCommand.join(' ')} failed`, {
      details: [String((err as { stderr?: string }).stderr ?? (err as Error).message).trim()],
      cause: err,
    });
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function findOnPath(binary: string, env: Env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function download(mesh: MeshLifecycle, version: string, target: string, options: InstallerOptions) {
  const asset = mesh.installer.asset(version, options.platform ?? currentPlatform());
  const url = mirrored(options.env, asset.url);
  const dir = join(target, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.download-${randomBytes(6).toString('hex')}`);
  options.log?.(`downloading ${mesh.installer.binary} ${version} from ${url}`);
  try {
    const body = await fetchBytes(url, options);
    const expected = await publishedDigest(asset.checksum, options);
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== expected) {
      throw new OperationError(
        `the download of ${mesh.installer.binary} ${version} does not match its published SHA-256: refused and deleted`,
        {
          details: [`url: ${url}`, `expected: ${expected}`, `got:      ${actual}`],
          hint: 'try again (a proxy or mirror may have served a broken file); if it persists, report it to the mirror',
        },
      );
    }
    await writeFile(tmp, body, { mode: 0o700 });
    let binary = tmp;
    if (asset.archive === 'tar.gz') {
      const out = `${tmp}.d`;
      await mkdir(out, { mode: 0o700 });
      try {
        await run('tar', ['-xzf', tmp, '-C', out, asset.member!], { signal: options.signal });
      } catch (err) {
        throw new OperationError(`cannot extract ${asset.member} from ${url}`, {
          details: [String((err as { stderr?: string }).stderr ?? '').trim()],
          cause: err,
        });
      }
      binary = join(out, asset.member!);
    }
    await chmod(binary, 0o755);
    await rename(binary, target);
    options.log?.(`verified (sha256 ${actual.slice(0, 12)}...) and cached ${target}`);
  } finally {
    await rm(tmp, { force: true });
    await rm(`${tmp}.d`, { recursive: true, force: true });
  }
}

async function fetchBytes(url: string, options: InstallerOptions): Promise<Buffer> {
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 5 * 60_000)];
  if (options.signal) signals.push(options.signal);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.any(signals), redirect: 'follow' });
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new OperationError(`cannot download ${url}: ${(err as Error).message}`, {
      hint: `no network? put the installer on PATH, give --installer PATH, or set ${MIRROR_ENV} to a mirror of the release files`,
      cause: err,
    });
  }
  if (!res.ok)
    throw new OperationError(`cannot download ${url}: HTTP ${res.status}`, {
      hint: 'check the version (meshdeck mesh list) and the mirror',
    });
  return Buffer.from(await res.arrayBuffer());
}

/** The digest the release publishes for the asset. */
async function publishedDigest(source: ChecksumSource, options: InstallerOptions): Promise<string> {
  const url = mirrored(options.env, source.url);
  const text = (await fetchBytes(url, options)).toString('utf8');
  let digest: string | undefined;
  if (source.kind === 'github-release') {
    try {
      const release = JSON.parse(text) as { assets?: Array<{ name?: string; digest?: string }> };
      digest = release.assets?.find((a) => a.name === source.assetName)?.digest?.replace(/^sha256:/, '');
    } catch {
      digest = undefined;
    }
  } else {
    const lines = text.split('\n').filter((l) => l.trim());
    const named =
      lines.length > 1
        ? lines.find((l) => l.trim().split(/\s+/)[1]?.replace(/^\*/, '') === basenameOf(source.url))
        : undefined;
    digest = (named ?? lines[0])?.trim().split(/\s+/)[0];
  }
  if (!digest || !/^[0-9a-f]{64}$/i.test(digest))
    throw new OperationError(`no SHA-256 for the download in ${url}`, {
      hint: 'the release publishes its checksums there; the mirror may be incomplete',
    });
  return digest.toLowerCase();
}

/** For a sha256sum list: the asset's name is the checksum file's name without its extension. */
function basenameOf(checksumUrl: string): string {
  const name = new URL(checksumUrl).pathname.split('/').pop() ?? '';
  return name.replace(/\.(sha256sum|sha256)$/, '');
}

/** Runs the installer's render commands; their outputs, concatenated. */
export async function renderWith(
  installer: Installer,
  commands: string[][],
  signal?: AbortSignal,
): Promise<string> {
  const parts: string[] = [];
  for (const args of commands) {
    try {
      const { stdout } = await run(installer.path, args, {
        signal,
        maxBuffer: 256 * 1024 * 1024,
        timeout: 5 * 60_000,
      });
      parts.push(stdout.endsWith('\n') ? stdout : `${stdout}\n`);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
      throw new OperationError(`${installer.path} ${args.join(' ')} failed`, {
        details: stderr ? stderr.split('\n').slice(-10) : [(err as Error).message],
        hint: 'the installer refused these settings: check --set values and --version',
        cause: err,
      });
    }
  }
  return parts.map((p) => (p.startsWith('---') ? p : `---\n${p}`)).join('');
}
