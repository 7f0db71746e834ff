// Which cluster, which user: the meshdeck context (or --kubeconfig/--kube-context) resolved the way kubectl
// resolves it. Files: the context's kubeconfig, else KUBECONFIG (a path list, merged with the first file
// winning, as kubectl merges), else ~/.kube/config, else the in-cluster service account.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import type https from 'node:https';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type { ClusterRef } from '../core/config/model.js';
import { AuthError, MeshdeckError, OperationError, UsageError, errnoCode } from '../core/errors.js';
import { expandHome, type Env } from '../core/paths.js';
import { didYouMean } from '../core/suggest.js';
import { KubeConfig, loadYaml, type Cluster, type Context, type User } from './client-node.js';
import type { CredentialSource } from './http/transport.js';

/** The kubeconfig context that `meshdeck sandbox start` writes. */
export const SANDBOX_CONTEXT = 'meshdeck-sandbox';
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ClusterTarget {
  kubeConfig: KubeConfig;
  context: Context;
  cluster: Cluster;
  user: User;
  /** "context prod in /home/me/.kube/config", for messages. */
  description: string;
  /** The files it was read from (empty in-cluster). */
  files: string[];
  /**
   * The user's `tokenFile` (kubectl's key, which client-node does not read), absolute; unset when the user
   * has a `token`, which wins as in kubectl. Read when credentials are fetched (again after a 401), so a rotated token is picked up.
   */
  tokenFile?: string;
}

export interface ResolveOptions {
  cluster: ClusterRef;
  env: Env;
  /** Prefix of the service-account folder, for in-cluster runs (tests point it elsewhere). */
  serviceAccountRoot?: string;
  /**
   * The running sandbox's own admin kubeconfig (findSandboxKubeconfig): where the built-in context looks
   * when no kubeconfig file has the meshdeck-sandbox context (merging into it may have been refused).
   */
  sandboxKubeconfig?: string;
}

export function resolveCluster(options: ResolveOptions): ClusterTarget {
  const { cluster, env } = options;
  const home = env.HOME ?? '';
  let files: string[];
  let origin: string;
  if (cluster.kubeconfig && !cluster.sandbox) {
    files = [absolute(expandHome(cluster.kubeconfig, env))];
    origin = 'the context or --kubeconfig';
    if (!existsSync(files[0])) {
      throw new UsageError(`kubeconfig ${files[0]} (from ${origin}) does not exist`, {
        hint: 'check the path, or use another context (meshdeck context list)',
      });
    }
  } else if (env.KUBECONFIG) {
    files = env.KUBECONFIG.split(delimiter)
      .filter(Boolean)
      .map((f) => absolute(expandHome(f, env)))
      .filter((f) => existsSync(f));
    origin = 'KUBECONFIG';
  } else {
    const file = join(home, '.kube', 'config');
    files = home && existsSync(file) ? [file] : [];
    origin = '~/.kube/config';
  }

  if (cluster.sandbox && options.sandboxKubeconfig && files.length === 0) files = [options.sandboxKubeconfig];

  let kc = new KubeConfig();
  if (files.length === 0) {
    const root = `${options.serviceAccountRoot ?? ''}${SERVICE_ACCOUNT_DIR}`;
    if (
      !cluster.sandbox &&
      !cluster.context &&
      env.KUBERNETES_SERVICE_HOST &&
      existsSync(join(root, 'token'))
    ) {
      return inCluster(kc, env, options.serviceAccountRoot ?? '');
    }
    if (cluster.sandbox) throw sandboxNotRunning();
    throw new UsageError(
      `no kubeconfig found (${origin === 'KUBECONFIG' ? `no file of KUBECONFIG=${env.KUBECONFIG} exists` : '~/.kube/config does not exist'})`,
      {
        hint: 'point meshdeck at a cluster: --kubeconfig FILE, KUBECONFIG, or "meshdeck context create NAME --kubeconfig FILE"',
      },
    );
  }
  let tokenFiles = loadMerged(kc, files);
  if (cluster.sandbox && options.sandboxKubeconfig && !kc.getContextObject(SANDBOX_CONTEXT)) {
    files = [options.sandboxKubeconfig];
    kc = new KubeConfig();
    tokenFiles = loadMerged(kc, files);
  }

  const wanted = cluster.sandbox ? SANDBOX_CONTEXT : (cluster.context ?? kc.getCurrentContext());
  const names = kc.getContexts().map((c) => c.name);
  if (!wanted) {
    throw new UsageError(`kubeconfig ${files.join(delimiter)} has no current-context`, {
      hint: names.length
        ? `choose one with --kube-context (${names.join(', ')})`
        : 'the file defines no contexts; add one with kubectl config set-context',
    });
  }
  const context = kc.getContextObject(wanted);
  if (!context) {
    if (cluster.sandbox) throw sandboxNotRunning();
    throw new UsageError(
      `kube context "${wanted}" is not in ${files.join(delimiter)}${didYouMean(wanted, names)}`,
      {
        hint: names.length ? `contexts there: ${names.join(', ')}` : 'the file defines no contexts',
      },
    );
  }
  kc.setCurrentContext(wanted);
  const clusterEntry = kc.getCluster(context.cluster);
  const user = kc.getUser(context.user) ?? { name: context.user || '(none)' };
  if (!clusterEntry) {
    throw new UsageError(
      `kube context "${wanted}" refers to cluster "${context.cluster}", which ${files.join(delimiter)} does not define`,
    );
  }
  if (!/^https?:\/\//.test(clusterEntry.server ?? '')) {
    throw new UsageError(
      `cluster "${clusterEntry.name}" in ${files.join(delimiter)} has no valid server URL ("${clusterEntry.server ?? ''}")`,
    );
  }
  return {
    kubeConfig: kc,
    context,
    cluster: clusterEntry,
    user,
    description: `kube context "${wanted}" in ${files.join(delimiter)}`,
    files,
    tokenFile: user.token ? undefined : tokenFiles.get(user.name),
  };
}

function sandboxNotRunning(): OperationError {
  return new OperationError(`the sandbox cluster is not running (no "${SANDBOX_CONTEXT}" kube context)`, {
    hint: 'start it with "meshdeck sandbox start", or target another cluster with --kube-context or "meshdeck context use"',
  });
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : join(process.cwd(), path);
}

/**
 * kubectl's merge: the first file to define a name (or current-context) wins. Returns the users' `tokenFile`
 * paths (absolute, relative ones resolved against their file, as kubectl does).
 */
function loadMerged(kc: KubeConfig, files: string[]): Map<string, string> {
  const tokenFiles = new Map<string, string>();
  const clusters: Cluster[] = [];
  const users: User[] = [];
  const contexts: Context[] = [];
  let current: string | undefined;
  for (const file of files) {
    const one = new KubeConfig();
    try {
      const text = readFileSync(file, 'utf8');
      one.loadFromString(text);
      one.makePathsAbsolute(dirname(file));
      for (const [name, path] of userTokenFiles(text)) {
        if (!tokenFiles.has(name) && !one.getUsers().some((u) => u.name === name && u.token))
          tokenFiles.set(name, isAbsolute(path) ? path : join(dirname(file), path));
      }
    } catch (err) {
      const code = errnoCode(err);
      throw new UsageError(
        code === 'EACCES'
          ? `cannot read kubeconfig ${file}: permission denied`
          : `kubeconfig ${file} is not valid: ${firstLine((err as Error).message)}`,
        { hint: 'fix the file, or point meshdeck at another with --kubeconfig', cause: err },
      );
    }
    const add = <T extends { name: string }>(into: T[], from: T[] | undefined) => {
      for (const entry of from ?? []) if (!into.some((e) => e.name === entry.name)) into.push(entry);
    };
    add(clusters, one.getClusters());
    add(users, one.getUsers());
    add(contexts, one.getContexts());
    current ??= one.getCurrentContext() || undefined;
  }
  kc.loadFromOptions({ clusters, users, contexts, currentContext: current });
  // Only the winning definition of each user counts.
  for (const name of [...tokenFiles.keys()])
    if (!users.some((u) => u.name === name && !u.token)) tokenFiles.delete(name);
  return tokenFiles;
}

/** users[].user.tokenFile of one kubeconfig text, by user name. */
function userTokenFiles(text: string): Array<[string, string]> {
  const doc = loadYaml<{ users?: Array<{ name?: unknown; user?: { tokenFile?: unknown } }> } | null>(text);
  const found: Array<[string, string]> = [];
  for (const entry of Array.isArray(doc?.users) ? doc.users : []) {
    const path = entry?.user?.tokenFile;
    if (typeof entry?.name === 'string' && typeof path === 'string' && path !== '')
      found.push([entry.name, path]);
  }
  return found;
}

function inCluster(kc: KubeConfig, env: Env, root: string): ClusterTarget {
  // client-node reads the service host and port from process.env; make them the ones we were given.
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = env.KUBERNETES_SERVICE_HOST;
  process.env.KUBERNETES_SERVICE_PORT = env.KUBERNETES_SERVICE_PORT ?? '443';
  try {
    kc.loadFromCluster(root);
  } finally {
    restore('KUBERNETES_SERVICE_HOST', saved.host);
    restore('KUBERNETES_SERVICE_PORT', saved.port);
  }
  const context = kc.getContextObject(kc.getCurrentContext())!;
  return {
    kubeConfig: kc,
    context,
    cluster: kc.getCurrentCluster()!,
    user: kc.getCurrentUser()!,
    description: 'the in-cluster service account',
    files: [],
  };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/**
 * The credentials of the resolved user, as client-node works them out (tokens, token files, client
 * certificates, exec plugins, auth providers). A fresh copy of the kubeconfig has empty plugin caches, so
 * asking for fresh credentials after a 401 really runs the plugin again.
 */
export function kubeconfigCredentials(target: ClusterTarget): CredentialSource {
  return {
    async get(fresh) {
      let kc = target.kubeConfig;
      if (fresh) {
        kc = new KubeConfig();
        kc.loadFromOptions({
          clusters: target.kubeConfig.getClusters(),
          users: target.kubeConfig.getUsers(),
          contexts: target.kubeConfig.getContexts(),
          currentContext: target.kubeConfig.getCurrentContext(),
        });
      }
      const opts: https.RequestOptions = {};
      try {
        await kc.applyToHTTPSOptions(opts);
      } catch (err) {
        throw credentialError(target, err);
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
      if (target.tokenFile) headers.Authorization = `Bearer ${await readTokenFile(target, target.tokenFile)}`;
      if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      return {
        headers,
        tls: {
          ca: opts.ca as Buffer | undefined,
          cert: opts.cert as Buffer | undefined,
          key: opts.key as Buffer | undefined,
          rejectUnauthorized: opts.rejectUnauthorized,
          servername: opts.servername,
        },
        proxyAgent: target.cluster.proxyUrl ? (opts.agent as http.Agent) : undefined,
      };
    },
  };
}

/** The bearer token in a user's tokenFile; a file that cannot be read is a configuration error, as in kubectl. */
async function readTokenFile(target: ClusterTarget, path: string): Promise<string> {
  let token: string;
  try {
    token = (await readFile(path, 'utf8')).trim();
  } catch (err) {
    throw missingFileError(target, err, `tokenFile of user "${target.user.name}"`);
  }
  if (token === '') {
    throw new UsageError(`the tokenFile ${path} of user "${target.user.name}" is empty`, {
      hint: `put the token in it, or fix the user entry of ${target.description}`,
    });
  }
  return token;
}

/** A file the kubeconfig names (CA, client certificate or key, token) that cannot be read: exit 2. */
function missingFileError(target: ClusterTarget, err: unknown, role: string): UsageError {
  const path = (err as NodeJS.ErrnoException).path ?? '';
  const code = errnoCode(err);
  const reason =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'cannot be read (permission denied)'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read (${code ?? (err as Error).message})`;
  return new UsageError(`the ${role}, ${path}, ${reason}`, {
    hint: `fix the path in ${target.description}, or create the file`,
    cause: err,
  });
}

/** Which entry of the kubeconfig names this file, for the message. */
function fileRole(target: ClusterTarget, path: string): string | undefined {
  if (path === target.cluster.caFile) return `certificate-authority file of cluster "${target.cluster.name}"`;
  if (path === target.user.certFile) return `client-certificate file of user "${target.user.name}"`;
  if (path === target.user.keyFile) return `client-key file of user "${target.user.name}"`;
  return undefined;
}

function credentialError(target: ClusterTarget, err: unknown): MeshdeckError {
  const path = (err as NodeJS.ErrnoException).path;
  const role = path === undefined ? undefined : fileRole(target, path);
  if (role) return missingFileError(target, err, role);
  const message = firstLine((err as Error).message ?? String(err)).trim();
  if (/HTTP protocol is not allowed/.test(message)) {
    return new UsageError(
      `cluster "${target.cluster.name}" is served over plain http://, and meshdeck sends credentials only over https`,
      {
        hint: 'use the https URL, or set insecure-skip-tls-verify: true on the cluster entry for a local test cluster',
      },
    );
  }
  if (target.user.exec) {
    const command = (target.user.exec as { command?: string }).command ?? '?';
    return new AuthError(
      `the credential plugin of user "${target.user.name}" (${command}) failed: ${message || 'no output'}`,
      {
        hint: `run the plugin yourself to see why, or sign in again; it is configured in ${target.description}`,
      },
    );
  }
  return new AuthError(`cannot load the credentials of user "${target.user.name}": ${message}`, {
    hint: `check the user entry of ${target.description}`,
  });
}
