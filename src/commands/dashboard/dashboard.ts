// Complete/Validate/Run of `meshdeck dashboard`. Without a terminal on both stdin and stdout it refuses
// (exit 2) and names the plain commands; with one, it opens the TUI, which is import()ed only here.
import { UsageError } from '../../core/errors.js';
import type { Invocation } from '../shared/invocation.js';
import { dashboardSources } from './sources.js';

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
  const { runDashboard } = await import('../../tui/run.js');
  await runDashboard({
    open: (context) => dashboardSources(inv, context ?? o.context),
    color: o.color,
    context: o.context,
    initialView: o.view,
    stdin: process.stdin,
    stdout: process.stdout,
  });
}
