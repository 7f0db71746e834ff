// What every lifecycle operation is given: the cluster, where installers come from, who is acting, a
// logger for stderr, and the Ctrl-C signal.
import type { Env } from '../../core/paths.js';
import type { ClusterClient } from '../../k8s/client.js';
import type { ClusterIdentity, InstallHistory } from './history.js';

export interface LifecycleLog {
  info(message: string): void;
  warn(message: string): void;
  progress(message: string): void;
  debug(message: string): void;
}

export interface LifecycleContext {
  client: ClusterClient;
  env: Env;
  cacheDir: string;
  signal: AbortSignal;
  log: LifecycleLog;
  /** The provider user, or the OS user. */
  user: string;
  /** --installer */
  installerPath?: string;
  /** Where each action is recorded beyond the cluster (the provider); none keeps only the ConfigMap. */
  history?: InstallHistory;
  /** The cluster, as install records name it. */
  cluster?: ClusterIdentity;
}

export const SILENT_LOG: LifecycleLog = {
  info: () => undefined,
  warn: () => undefined,
  progress: () => undefined,
  debug: () => undefined,
};
