// Flags every command accepts, kubectl-style. They are defined once on the root command.
import { Option, type Command } from '@commander-js/extra-typings';

export interface GlobalOptions {
  context?: string;
  kubeconfig?: string;
  kubeContext?: string;
  namespace?: string;
  output?: string;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

export function addGlobalOptions<C extends Command>(program: C) {
  return program
    .addOption(new Option('--context <name>', 'use this meshdeck context for one command'))
    .addOption(new Option('--kubeconfig <path>', "kubeconfig file to use instead of the context's"))
    .addOption(new Option('--kube-context <name>', 'context inside the kubeconfig to use'))
    .addOption(new Option('-n, --namespace <name>', 'namespace to work in'))
    .addOption(new Option('-o, --output <format>', 'output format: table, wide, json, yaml (per command)'))
    .addOption(new Option('-q, --quiet', 'print only data and errors; no progress, no colour'))
    .addOption(new Option('--verbose', 'print debug logs, and stack traces on errors'))
    .addOption(new Option('--no-color', 'never colour the output'));
}

/** The global flags as seen from any command, wherever on the line they were written. */
export function readGlobals(cmd: { optsWithGlobals(): Record<string, unknown> }): GlobalOptions {
  const o = cmd.optsWithGlobals();
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    context: str(o.context),
    kubeconfig: str(o.kubeconfig),
    kubeContext: str(o.kubeContext),
    namespace: str(o.namespace),
    output: str(o.output),
    quiet: o.quiet === true,
    verbose: o.verbose === true,
    color: o.color !== false,
  };
}

/** Pre-parse of argv for the top-level error renderer, which runs even when commander failed. */
export function sniffGlobals(argv: readonly string[]): Pick<GlobalOptions, 'verbose' | 'quiet' | 'color'> {
  const args = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : undefined);
  return {
    verbose: args.includes('--verbose'),
    quiet: args.includes('--quiet') || args.includes('-q'),
    color: !args.includes('--no-color'),
  };
}
