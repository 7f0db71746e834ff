// The command tree. Building it is cheap: definitions only; every action's module is imported lazily.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { stderr, stdout } from '../core/output/sink.js';
import { VERSION } from '../core/version.js';
import { analyzeCommand } from './analyze/index.js';
import { checkCommand } from './check/index.js';
import { adapterCommand } from './adapter/index.js';
import { clusterCommand } from './cluster/index.js';
import { completionCommand } from './completion/index.js';
import { dashboardCommand } from './dashboard/index.js';
import { contextCommand } from './context/index.js';
import { demoCommand } from './demo/index.js';
import { designCommand } from './design/index.js';
import { loginCommand } from './login/index.js';
import { meshCommand } from './mesh/index.js';
import { logoutCommand } from './logout/index.js';
import { perfCommand } from './perf/index.js';
import { providerCommand } from './provider/index.js';
import { sandboxCommand } from './sandbox/index.js';
import { syncCommand } from './sync/index.js';
import { tokenCommand } from './token/index.js';
import { whoamiCommand } from './whoami/index.js';
import { GROUP_INDEX } from './group-index.js';
import { addGroupSummaries } from './group-summary.js';
import { examples } from './shared/command.js';
import { addGlobalOptions } from './shared/globals.js';

const OUTPUT = {
  writeOut: (text: string) => stdout().write(text),
  writeErr: (text: string) => stderr().write(text),
  getOutHelpWidth: () => stdout().columns() ?? 80,
  getErrHelpWidth: () => stderr().columns() ?? 80,
  getOutHasColors: () => false,
  getErrHasColors: () => false,
  // Commander's own error text is rendered by main, once, with the rest of our errors.
  outputError: () => undefined,
};

/**
 * Each command group by name, in the order --help lists them. Add new groups here (a test checks that
 * each name is the one its builder gives).
 */
export const GROUPS: ReadonlyArray<readonly [string, () => CommandUnknownOpts]> = [
  ['demo', demoCommand],
  ['context', contextCommand],
  ['design', designCommand],
  ['mesh', meshCommand],
  ['perf', perfCommand],
  ['check', checkCommand],
  ['analyze', analyzeCommand],
  ['cluster', clusterCommand],
  ['adapter', adapterCommand],
  ['sandbox', sandboxCommand],
  ['login', loginCommand],
  ['logout', logoutCommand],
  ['whoami', whoamiCommand],
  ['token', tokenCommand],
  ['sync', syncCommand],
  ['provider', providerCommand],
  ['completion', completionCommand],
  ['dashboard', dashboardCommand],
];

/** Global options that take a value: the value is not a command name. */
const VALUE_OPTIONS = new Set([
  '--context',
  '--kubeconfig',
  '--kube-context',
  '-n',
  '--namespace',
  '-o',
  '--output',
]);

/**
 * The groups a command line needs. Only the one it names is built (most of the tree is never built,
 * which keeps cold start fast); none for a bare --version; all for help, completion and names that are
 * not groups (an unknown command's suggestion needs every name).
 */
export function groupsFor(
  argv: readonly string[],
): ReadonlyArray<readonly [string, () => CommandUnknownOpts]> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    const named = GROUPS.find(([name]) => name === arg);
    return named ? [named] : GROUPS;
  }
  const help = argv.includes('--help') || argv.includes('-h');
  return argv.includes('--version') && !help ? [] : GROUPS;
}

/** A command line that asks only for the root help (or is empty): no group has to be built. */
export function rootHelpOnly(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    if (!arg.startsWith('-')) return false;
    if (VALUE_OPTIONS.has(arg)) i++;
  }
  return argv.length === 0 || argv.includes('--help') || argv.includes('-h');
}

/** The command tree; with argv, only the part that command line needs (see groupsFor). */
export function buildProgram(argv?: readonly string[]) {
  const groups = argv ? groupsFor(argv) : GROUPS;
  // Commander reads the root's options anywhere on the line, so a root --version would take the
  // --version of commands that have one (adapter run, mesh deploy): the root has it only when no group
  // is named.
  const namesGroup = groups.length === 1 && GROUPS.length > 1;
  const root = new Command('meshdeck').description(
    'Deploy, check and benchmark service meshes on Kubernetes, from one binary.',
  );
  const program = addGlobalOptions(
    (namesGroup ? root : root.version(VERSION, '--version', 'print the meshdeck version'))
      .helpOption('-h, --help', 'show help for a command')
      .showSuggestionAfterError(true)
      .exitOverride()
      .configureOutput(OUTPUT),
  );
  examples(program, [
    'meshdeck demo',
    'meshdeck context create prod --kube-context prod-east --use',
    'meshdeck design apply -f ./k8s --wait',
  ]);

  if (argv && rootHelpOnly(argv)) addGroupSummaries(program, GROUP_INDEX);
  else for (const [, build] of groups) program.addCommand(inherit(build()));
  return program;
}

/**
 * Commands built apart from the root need the root's settings: errors thrown (not process.exit) and
 * rendered by main. addCommand does not copy them, so do it for the whole subtree.
 */
function inherit(cmd: CommandUnknownOpts): CommandUnknownOpts {
  cmd
    .exitOverride()
    .showSuggestionAfterError(true)
    .helpOption('-h, --help', 'show help for a command')
    .configureOutput(OUTPUT);
  for (const sub of cmd.commands) inherit(sub);
  return cmd;
}
