// The version is baked into the bundle at build time; the tsc output used by unit tests reads package.json.
import { readFileSync } from 'node:fs';

declare const __MESHDECK_VERSION__: string | undefined;

function fromPackageJson(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return String(pkg.version);
  } catch {
    return '0.0.0-dev';
  }
}

export const VERSION: string =
  typeof __MESHDECK_VERSION__ === 'string' ? __MESHDECK_VERSION__ : fromPackageJson();
