// A local copy of the meshes' release sites, for MESHDECK_RELEASE_MIRROR: each built-in mesh's installer
// asset (a tar.gz archive, or a raw binary for Linkerd) at its official path under <mirror>/<host>/..., with
// the checksum the release publishes beside it (a .sha256 file, a sha256sum list, or GitHub's release
// API digest). The installer inside is test/helpers/mesh-installers/fake-installer.mjs with its version
// written in. A test can corrupt one asset to see the download refused.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { BUILTIN_MESHES } from '../../src/adapters/builtin/index.js';
import { currentPlatform } from '../../src/adapters/lifecycle/installer.js';
import { REPO_ROOT } from './cli.js';

export const FAKE_INSTALLER = join(REPO_ROOT, 'test', 'helpers', 'mesh-installers', 'fake-installer.mjs');

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export class MeshReleases {
  readonly files = new Map<string, Buffer>();
  readonly requests: string[] = [];
  private readonly corrupted = new Set<string>();
  private server!: Server;
  url = '';

  static async start(): Promise<MeshReleases> {
    const r = new MeshReleases();
    r.build();
    await r.listen();
    return r;
  }

  /** A fake installer of this tool and version, as a file (for --installer). */
  static installer(dir: string, tool: string, version: string): string {
    const path = join(dir, tool);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, readFileSync(FAKE_INSTALLER, 'utf8').replace('__VERSION__', version), {
      mode: 0o755,
    });
    chmodSync(path, 0o755);
    return path;
  }

  private build(): void {
    const work = mkdtempSync(join(tmpdir(), 'meshdeck-releases-'));
    const platform = currentPlatform();
    try {
      const done = new Set<string>();
      for (const mesh of BUILTIN_MESHES) {
        for (const version of mesh.versions) {
          const installerVersion = mesh.installer.installerVersion(version);
          const asset = mesh.installer.asset(installerVersion, platform);
          if (done.has(asset.url)) continue;
          done.add(asset.url);
          const program = MeshReleases.installer(join(work, 'bin'), mesh.installer.binary, installerVersion);
          let body: Buffer;
          if (asset.archive === 'raw') body = readFileSync(program);
          else {
            const root = join(work, `a-${done.size}`);
            const member = join(root, asset.member!);
            mkdirSync(dirname(member), { recursive: true });
            writeFileSync(member, readFileSync(program), { mode: 0o755 });
            const archive = join(work, `a-${done.size}.tar.gz`);
            execFileSync('tar', ['-czf', archive, '-C', root, asset.member!]);
            body = readFileSync(archive);
          }
          this.put(asset.url, body);
          const name = basename(new URL(asset.url).pathname);
          const c = asset.checksum;
          if (c.kind === 'github-release')
            this.put(
              c.url,
              Buffer.from(
                JSON.stringify({
                  tag_name: version,
                  assets: [{ name: c.assetName, digest: `sha256:${sha256(body)}` }],
                }),
              ),
            );
          else if (c.url.endsWith('.sha256sum')) this.put(c.url, Buffer.from(`${sha256(body)}  ${name}\n`));
          else this.put(c.url, Buffer.from(`${sha256(body)} ${name}\n`));
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  private put(url: string, body: Buffer): void {
    const u = new URL(url);
    this.files.set(`/${u.host}${u.pathname}`, body);
  }

  /** From now on, the asset whose path contains `part` is served with one byte changed. */
  corrupt(part: string): void {
    this.corrupted.add(part);
  }

  private listen(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.requests.push(path);
      let body = this.files.get(path);
      if (!body) {
        res.writeHead(404).end('not found');
        return;
      }
      if (
        [...this.corrupted].some((p) => path.includes(p) && !/\.sha256(sum)?$|\/releases\/tags\//.test(path))
      ) {
        body = Buffer.from(body);
        body[body.length - 1] ^= 0xff;
      }
      res
        .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
        .end(body);
    });
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        resolve();
      }),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
