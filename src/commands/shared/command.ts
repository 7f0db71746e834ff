// Helpers that give every command the same shape: examples in --help, a declared set of -o formats checked
// before the action runs, and an action module loaded only when that command runs (cold start).
import type { Command, CommandUnknownOpts, OptionValues } from '@commander-js/extra-typings';
import { UsageError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { readGlobals, type GlobalOptions } from './globals.js';
import type { ActionModule } from './convention.js';
import type { Invocation } from './invocation.js';
import { meta } from './meta.js';

/** Adds examples, shown under --help and in docs/cli.md. Each is a command line, optionally "# comment". */
export function examples<C extends CommandUnknownOpts>(cmd: C, lines: string[]): C {
  meta(cmd).examples.push(...lines);
  cmd.addHelpText('after', () => `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  return cmd;
}

/** Declares the -o formats this command prints; the first is the default unless one is given. */
export function outputs<C extends CommandUnknownOpts>(
  cmd: C,
  formats: readonly string[],
  defaultFormat = formats[0],
): C {
  const m = meta(cmd);
  m.formats = formats;
  m.defaultFormat = defaultFormat;
  return cmd;
}

/** The -o value for this command, checked against what it supports. */
export function resolveFormat(cmd: CommandUnknownOpts, requested: string | undefined): string {
  const m = meta(cmd);
  const name = cmd.name();
  if (!m.formats) {
    if (requested === undefined) return 'table';
    throw new UsageError(`"${commandPath(cmd)}" prints no data, so -o ${requested} does not apply`, {
      hint: 'remove -o',
    });
  }
  if (requested === undefined) return m.defaultFormat ?? m.formats[0];
  if (!m.formats.includes(requested)) {
    throw new UsageError(
      `unsupported output format "${requested}" for "${commandPath(cmd)}"${didYouMean(requested, m.formats)}`,
      { hint: `${name} prints: ${m.formats.join(', ')}` },
    );
  }
  return requested;
}

export function commandPath(cmd: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let c: CommandUnknownOpts | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Where the running invocation comes from, so the top level owns the abort signal. */
export interface ActionHost {
  createInvocation(command: CommandUnknownOpts, globals: GlobalOptions, format: string): Invocation;
}

let host: ActionHost | undefined;
export function setActionHost(h: ActionHost): void {
  host = h;
}

/**
 * Sets the command's action to a module imported only when the command runs. The module follows the
 * convention of ./convention.ts: complete (flags to typed options), validate, run.
 */
export function action<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
  Options,
>(
  cmd: Command<Args, Opts, Globals>,
  load: () => Promise<ActionModule<NoInfer<[...Args, Opts]>, Options>>,
): Command<Args, Opts, Globals> {
  cmd.action(async (...all: unknown[]) => {
    const self = all[all.length - 1] as CommandUnknownOpts;
    const args = all.slice(0, -1) as [...Args, Opts];
    if (!host) throw new Error('meshdeck: no action host set');
    const globals = readGlobals(self);
    const format = resolveFormat(self, globals.output);
    const inv = host.createInvocation(self, globals, format);
    const mod = await load();
    const options = await mod.complete(inv, ...args);
    mod.validate?.(options);
    const code = await mod.run(inv, options);
    if (typeof code === 'number' && code !== 0) process.exitCode = code;
  });
  return cmd;
}
