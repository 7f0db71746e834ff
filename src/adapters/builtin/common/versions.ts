// What several built-in meshes share: version arithmetic for skew rules, Helm as an installer, and reading
// an image's tag.
import type { InstallerSpec } from '../../lifecycle/types.js';

/** [major, minor, patch] of "1.30.3" or "v1.30.3"; undefined for other shapes. */
export function semver(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** How many minor versions `to` is ahead of `from` (negative for a downgrade); undefined across majors. */
export function minorsBetween(from: string, to: string): number | undefined {
  const a = semver(from);
  const b = semver(to);
  if (!a || !b || a[0] !== b[0]) return undefined;
  return b[1] - a[1];
}

/** A skew rule "at most N minor versions at a time, either way". */
export function minorSkewProblem(
  title: string,
  from: string,
  to: string,
  max: number,
  why: string,
): string | undefined {
  if (from === to) return `${title} ${to} is already installed`;
  const steps = minorsBetween(from, to);
  if (steps === undefined) return `${title} cannot go from ${from} to ${to} (different major versions)`;
  if (Math.abs(steps) > max)
    return `${title} ${from} → ${to} spans ${Math.abs(steps)} minor versions; ${why}`;
  return undefined;
}

/** Helm's own release, pinned: it renders any chart version, so one helm serves every Helm-rendered mesh. */
export const HELM_VERSION = 'v3.18.6';

export const HELM_INSTALLER: InstallerSpec = {
  binary: 'helm',
  installerVersion: () => HELM_VERSION,
  rendersAnyVersion: true,
  asset: (version, p) => {
    const file = `helm-${version}-${p.os}-${p.arch}.tar.gz`;
    return {
      url: `https://get.helm.sh/${file}`,
      archive: 'tar.gz',
      member: `${p.os}-${p.arch}/helm`,
      checksum: { kind: 'file', url: `https://get.helm.sh/${file}.sha256sum` },
    };
  },
  versionCommand: ['version', '--short'],
  parseVersion: (out) => /^(v\d+\.\d+\.\d+)/m.exec(out.trim())?.[1],
};
