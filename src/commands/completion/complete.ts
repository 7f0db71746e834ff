// Walks the command tree along the typed words and lists what may come next.
import type { CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { allContexts } from '../../core/config/contexts.js';
import { commandMeta } from '../shared/meta.js';
import { argumentKinds, OPTION_VALUE_KINDS, type ValueKind } from '../shared/complete-args.js';
import type { Invocation } from '../shared/invocation.js';

/**
 * `meshdeck __complete WORDS...`, called by the shell scripts. main() hands it the raw words before
 * commander sees them, since they are a half-typed command line, not one to parse.
 */
export async function run(inv: Invocation, words: string[]): Promise<void> {
  let root = inv.command;
  while (root.parent) root = root.parent;
  const candidates = await complete(root, words, inv);
  inv.out.write(candidates.map((c) => `${c}\n`).join(''));
}

export async function complete(
  program: CommandUnknownOpts,
  words: string[],
  inv: Invocation,
): Promise<string[]> {
  const typed = words.slice(0, -1);
  const partial = words.at(-1) ?? '';
  let cmd = program;
  let positional = 0;
  let pendingValue: ValueKind | 'other' | undefined;

  for (const word of typed) {
    if (pendingValue) {
      pendingValue = undefined;
      continue;
    }
    if (word.startsWith('-')) {
      if (word.includes('=')) continue;
      const option = findOption(cmd, word);
      if (option && (option.required || option.optional))
        pendingValue = OPTION_VALUE_KINDS[option.long ?? ''] ?? 'other';
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub && positional === 0) cmd = sub;
    else positional++;
  }

  if (pendingValue) return valuesOf(pendingValue, cmd, inv, partial);
  if (partial.startsWith('-')) {
    return allOptions(cmd)
      .flatMap((o) => [o.long, o.short])
      .filter((f): f is string => Boolean(f) && f!.startsWith(partial));
  }
  const subcommands = cmd.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .map((c) => `${c.name()}\t${c.description()}`);
  const kind = argumentKinds(cmd)[positional];
  const values = kind ? await valuesOf(kind, cmd, inv, partial) : [];
  return [...(positional === 0 ? subcommands : []), ...values].filter((c) => c.startsWith(partial));
}

function allOptions(cmd: CommandUnknownOpts): readonly Option[] {
  const options: Option[] = [];
  for (let c: CommandUnknownOpts | null = cmd; c; c = c.parent) options.push(...(c.options as Option[]));
  return options;
}

function findOption(cmd: CommandUnknownOpts, flag: string): Option | undefined {
  return allOptions(cmd).find((o) => o.long === flag || o.short === flag);
}

async function valuesOf(
  kind: ValueKind | 'other',
  cmd: CommandUnknownOpts,
  inv: Invocation,
  partial: string,
) {
  if (kind === 'file') return [':file'];
  if (kind === 'format') return [...(commandMeta(cmd).formats ?? [])].filter((f) => f.startsWith(partial));
  if (kind === 'context') {
    try {
      const { config } = await inv.config();
      return allContexts(config)
        .map((c) => c.name)
        .filter((n) => n.startsWith(partial));
    } catch {
      return [];
    }
  }
  return [];
}
