// Entry point: parse the command line, run the command, render any error once, return the exit code.
import { CommanderError } from '@commander-js/extra-typings';
import { ExitCode, InterruptedError, MeshdeckError } from './core/errors.js';
import { colorEnabled, palette } from './core/output/color.js';
import { stderr } from './core/output/sink.js';
import { setActionHost } from './commands/shared/command.js';
import { spellSettingsAsFlags } from './commands/shared/flags/settings.js';
import { sniffGlobals } from './commands/shared/globals.js';
import { Invocation } from './commands/shared/invocation.js';
import { buildProgram } from './commands/program.js';

/** The hidden entry point of shell completion. */
const COMPLETE_COMMAND = '__complete';

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(ExitCode.INTERRUPTED); // second Ctrl-C: stop now
    controller.abort(new InterruptedError(`interrupted by ${signal}`));
    // A command that does not watch the signal still ends promptly.
    setTimeout(() => process.exit(ExitCode.INTERRUPTED), 3000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  spellSettingsAsFlags();
  setActionHost({
    createInvocation: (command, globals, format) =>
      new Invocation(command, globals, format, controller.signal),
  });

  try {
    const program = buildProgram(argv);
    if (argv[0] === COMPLETE_COMMAND) {
      const { run } = await import('./commands/completion/complete.js');
      await run(
        new Invocation(program, { quiet: true, verbose: false, color: false }, 'table', controller.signal),
        argv.slice(1),
      );
      return ExitCode.OK;
    }
    await program.parseAsync(argv, { from: 'user' });
    if (controller.signal.aborted) return ExitCode.INTERRUPTED;
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (err) {
    if (
      controller.signal.aborted &&
      !(err instanceof MeshdeckError && err.exitCode !== ExitCode.INTERRUPTED)
    ) {
      renderError(new InterruptedError(), argv);
      return ExitCode.INTERRUPTED;
    }
    return renderError(err, argv);
  }
}

/** Prints an error once, in one format, and returns its exit code. */
export function renderError(err: unknown, argv: readonly string[]): number {
  const flags = sniffGlobals(argv);
  const sink = stderr();
  const c = palette(colorEnabled({ isTTY: sink.isTTY, noColorFlag: !flags.color, quiet: flags.quiet }));
  const write = (text: string) => sink.write(`${text}\n`);

  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.OK;
    // Bare group or bare root: the help has been printed; a subcommand was required.
    if (err.code === 'commander.help' || err.code === 'commander.executeSubCommandAsync')
      return ExitCode.USAGE;
    const [first, ...rest] = err.message.replace(/^error: /, '').split('\n');
    write(`${c.red('error:')} ${first}`);
    for (const line of rest) if (line.trim()) write(`${c.dim('hint:')} ${line.replace(/^\((.*)\)$/, '$1')}`);
    write(`${c.dim('hint:')} run "meshdeck --help" or add --help to the command for usage`);
    return ExitCode.USAGE;
  }

  const error = err instanceof MeshdeckError ? err : undefined;
  if (error) {
    write(`${c.red('error:')} ${error.message}`);
    for (const line of error.details) write(`  ${line}`);
    if (error.hint) write(`${c.dim('hint:')} ${error.hint}`);
    if (flags.verbose && error.stack) write(c.dim(error.stack));
    return error.exitCode;
  }

  const message = err instanceof Error ? err.message : String(err);
  write(`${c.red('error:')} unexpected failure: ${message}`);
  if (flags.verbose && err instanceof Error && err.stack) write(c.dim(err.stack));
  else write(`${c.dim('hint:')} run again with --verbose for details, and report it if it persists`);
  return ExitCode.FAILED;
}
