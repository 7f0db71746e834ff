// `meshdeck completion` prints a shell script; `meshdeck __complete` (hidden) answers it.
import { Argument, Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { action, examples } from '../shared/command.js';
import * as printAction from './print.js';

export function completionCommand(): CommandUnknownOpts {
  const cmd = action(
    new Command('completion')
      .description('print a shell completion script for bash, zsh or fish')
      .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish'] as const)),
    async () => printAction,
  );
  examples(cmd, [
    'source <(meshdeck completion bash)            # bash, in ~/.bashrc',
    'source <(meshdeck completion zsh)             # zsh, in ~/.zshrc after compinit',
    'meshdeck completion fish > ~/.config/fish/completions/meshdeck.fish',
  ]);
  return cmd;
}
