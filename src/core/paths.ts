// Where meshdeck keeps files, following the XDG base directory spec so that a user (or a test) can move
// every folder with an environment variable.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

function xdg(env: Env, variable: string, fallback: string[]): string {
  const value = env[variable];
  // The spec says relative paths in these variables are invalid and must be ignored.
  if (value && isAbsolute(value)) return join(value, 'meshdeck');
  return join(env.HOME || homedir(), ...fallback, 'meshdeck');
}

export interface MeshdeckPaths {
  /** The config file: MESHDECK_CONFIG, else $XDG_CONFIG_HOME/meshdeck/config.yaml. */
  configFile: string;
  configDir: string;
  /** Deletable at any time: rebuilt from the provider and the cluster. */
  cacheDir: string;
  /** Outbox, run artefacts not yet synced, sandbox state. */
  stateDir: string;
}

export function meshdeckPaths(env: Env = process.env): MeshdeckPaths {
  const configDir = xdg(env, 'XDG_CONFIG_HOME', ['.config']);
  const configFile = env.MESHDECK_CONFIG ? resolve(env.MESHDECK_CONFIG) : join(configDir, 'config.yaml');
  return {
    configFile,
    configDir,
    cacheDir: xdg(env, 'XDG_CACHE_HOME', ['.cache']),
    stateDir: xdg(env, 'XDG_STATE_HOME', ['.local', 'state']),
  };
}

/** Expands a leading ~ the way a shell would, for paths written in the config file. */
export function expandHome(path: string, env: Env = process.env): string {
  if (path === '~') return env.HOME || homedir();
  if (path.startsWith('~/')) return join(env.HOME || homedir(), path.slice(2));
  return path;
}
