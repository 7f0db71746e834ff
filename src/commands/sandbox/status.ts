import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { ExitCode } from '../../core/errors.js';
import { API_VERSION } from '../../core/output/formats.js';
import type { ListView } from '../../core/output/printer.js';
import { processAlive } from '../../local/service.js';
import { probeReady, readSandboxState, type SandboxState } from '../../sandbox/index.js';
import { noOptions } from '../shared/convention.js';
import type { Invocation } from '../shared/invocation.js';

interface StatusRow {
  state?: SandboxState;
  running: boolean;
  ready: boolean;
}

const view: ListView<StatusRow> = {
  kind: 'SandboxStatus',
  columns: [
    { header: 'status', value: (r) => (r.running ? (r.ready ? 'Running' : 'NotReady') : 'Stopped') },
    { header: 'url', value: (r) => (r.running ? (r.state?.url ?? '') : '') },
    { header: 'pid', value: (r) => (r.running ? String(r.state?.pid ?? '') : '') },
    { header: 'kubeconfig', value: (r) => (r.running ? (r.state?.kubeconfig ?? '') : '') },
    { header: 'started', value: (r) => (r.running ? (r.state?.startedAt ?? '') : ''), wide: true },
    { header: 'data dir', value: (r) => r.state?.dataDir ?? '', wide: true },
  ],
  toData: (r) => ({
    apiVersion: API_VERSION,
    kind: 'SandboxStatus',
    running: r.running,
    ready: r.ready,
    ...(r.running && r.state
      ? {
          url: r.state.url,
          pid: r.state.pid,
          kubeconfig: r.state.kubeconfig,
          startedAt: r.state.startedAt,
          context: 'meshdeck-sandbox',
          dataDir: r.state.dataDir,
        }
      : {}),
  }),
};

async function caOf(kubeconfig: string): Promise<string | undefined> {
  try {
    const doc = parse(await readFile(kubeconfig, 'utf8')) as {
      clusters?: Array<{ cluster?: Record<string, string> }>;
    };
    const data = doc.clusters?.[0]?.cluster?.['certificate-authority-data'];
    return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}

export const complete = noOptions;

export async function run(inv: Invocation): Promise<number> {
  const state = await readSandboxState(inv.paths);
  const running = state !== undefined && processAlive(state.pid);
  let ready = false;
  if (running && state) {
    const ca = await caOf(state.kubeconfig);
    ready = ca !== undefined && (await probeReady(state.url, ca));
  }
  await inv.out.item({ state, running, ready }, view);
  return running ? ExitCode.OK : ExitCode.PROBLEM_FOUND;
}
