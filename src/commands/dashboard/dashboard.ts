// Complete/Validate/Run of `meshdeck dashboard`. Without a terminal on both stdin and stdout it refuses
// (exit 2) and names the plain commands; with one, it opens the TUI, which is import()ed only here.
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../../core/errors.js';
import type { Invocation } from '../shared/invocation.js';
import type { DashboardSources } from '../../tui/base/sources.js';
import { dashboardSources } from './sources.js';

/** The longest the first frame waits for the cluster's first snapshot. */
const FIRST_FRAME_WAIT_MS = 250;

type ViewName = 'Contexts' | 'Cluster' | 'Meshes' | 'Health' | 'Perf' | 'Designs';

interface Options {
  view: ViewName;
  context?: string;
  color: boolean;
}

export function complete(inv: Invocation, flags: { view: string }): Options {
  const view = (flags.view.charAt(0).toUpperCase() + flags.view.slice(1)) as ViewName;
  return { view, context: inv.globals.context, color: inv.stdoutColor };
}

export async function run(inv: Invocation, o: Options): Promise<void> {
  if (!process.stdin.isTTY || !inv.stdout.isTTY) {
    throw new UsageError('meshdeck dashboard needs a terminal (stdin and stdout must be a TTY)', {
      hint: 'in scripts and pipes use the plain commands: meshdeck cluster snapshot, mesh status, check, perf run, design diff',
    });
  }
  // The first context's sources start connecting and listing now, while ink loads; the UI takes them
  // over on its first frame instead of opening its own.
  let first: DashboardSources | undefined = dashboardSources(inv, o.context);
  const listed = first.prefetch?.();
  const { runDashboard } = await withoutFetch(() => import('../../tui/run.js'));
  // A cluster that answers at once is drawn in the first frame, without an empty one before it (drawing
  // costs as much CPU as listing); a slow one shows "listing the cluster..." after FIRST_FRAME_WAIT_MS.
  if (listed && o.view === 'Cluster') await Promise.race([listed, sleep(FIRST_FRAME_WAIT_MS)]);
  await runDashboard({
    open: (context) => {
      const early = first;
      first = undefined;
      if (early && context === o.context) return early;
      early?.close();
      return dashboardSources(inv, context ?? o.context);
    },
    color: o.color,
    context: o.context,
    initialView: o.view,
    stdin: process.stdin,
    stdout: process.stdout,
  });
}

/**
 * Runs `load` with the global fetch hidden. ink's layout engine (yoga-layout, Emscripten) fetches its
 * embedded wasm when fetch exists, and touching Node's fetch loads undici: about 100 ms of CPU before the
 * first frame. Without fetch it decodes the same embedded bytes at once. Nothing else runs fetch here.
 */
async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  try {
    return await load();
  } finally {
    if (original) Object.defineProperty(globalThis, 'fetch', original);
    else delete (globalThis as { fetch?: unknown }).fetch;
  }
}
