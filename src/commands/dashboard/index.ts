// `meshdeck dashboard`: the interactive terminal UI (src/tui), loaded only by this command.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, examples } from '../shared/command.js';

export const DASHBOARD_VIEWS = ['contexts', 'cluster', 'meshes', 'health', 'perf', 'designs'] as const;

export function dashboardCommand(): CommandUnknownOpts {
  const cmd = new Command('dashboard')
    .description(
      'interactive terminal UI: contexts, cluster, meshes, health checks, live benchmarks and designs (needs a terminal)',
    )
    .addOption(
      new Option('--view <name>', 'the view to open with').choices(DASHBOARD_VIEWS).default('cluster'),
    );
  examples(cmd, [
    'meshdeck dashboard',
    'meshdeck dashboard --view perf',
    'meshdeck dashboard --context prod   # another context, for this dashboard only',
  ]);
  return action(cmd, () => import('./dashboard.js'));
}
