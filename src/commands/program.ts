// The command tree. Building it is cheap: definitions only; every action's module is imported lazily.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { stderr, stdout } from '../core/output/sink.js';
import { VERSION } from '../core/version.js';
import { clusterCommand } from './cluster/index.js';
import { completionCommand } from './completion/index.js';
import { contextCommand } from './context/index.js';
import { demoCommand } from './demo/index.js';
import { designCommand } from './design/index.js';
import { loginCommand } from './login/index.js';
import { logoutCommand } from './logout/index.js';
import { perfCommand } from './perf/index.js';
import { providerCommand } from './provider/index.js';
import { sandboxCommand } from './sandbox/index.js';
import { syncCommand } from './sync/index.js';
import { tokenCommand } from './token/index.js';
import { whoamiCommand } from './whoami/index.js';
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

/** Each command group, in the order --help lists them. Add new groups here. */
const GROUPS: Array<() => CommandUnknownOpts> = [
  demoCommand,
  contextCommand,
  designCommand,
  perfCommand,
  clusterCommand,
  sandboxCommand,
  loginCommand,
  logoutCommand,
  whoamiCommand,
  tokenCommand,
  syncCommand,
  providerCommand,
  completionCommand,
];

export function buildProgram() {
  const program = addGlobalOptions(
    new Command('meshdeck')
      .description('Deploy, check and benchmark service meshes on Kubernetes, from one binary.')
      .version(VERSION, '--version', 'print the meshdeck version')
      .helpOption('-h, --help', 'show help for a command')
      .showSuggestionAfterError(true)
      .exitOverride()
      .configureOutput(OUTPUT),
  );
  examples(program, ['meshdeck context list', 'meshdeck context create prod --kube-context prod-east --use']);

  for (const group of GROUPS) program.addCommand(inherit(group()));
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
