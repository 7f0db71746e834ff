// The root help lists every command group by its name, usage term and description. Building all the groups
// for that costs more than the rest of a cold start of `meshdeck --help`, so the root help is made from a
// generated index of those three strings (group-index.ts, written by `npm run docs`) instead.
import { Command, Help, type CommandUnknownOpts } from '@commander-js/extra-typings';

export interface GroupSummary {
  name: string;
  /** How the root help names it: "demo [options]", "completion <shell>". */
  term: string;
  description: string;
}

/** What the root help shows of each group in a fully built tree. */
export function groupSummaries(program: CommandUnknownOpts): GroupSummary[] {
  const help = program.createHelp();
  return program.commands.map((c) => ({
    name: c.name(),
    term: help.subcommandTerm(c),
    description: c.description(),
  }));
}

/** Stand-ins for the groups, enough for the root help; their terms replace the ones commander derives. */
export function addGroupSummaries(program: CommandUnknownOpts, summaries: readonly GroupSummary[]): void {
  const terms = new Map<CommandUnknownOpts, string>();
  for (const s of summaries) {
    const stub = new Command(s.name).description(s.description);
    terms.set(stub, s.term);
    program.addCommand(stub);
  }
  program.configureHelp({
    subcommandTerm(this: Help, cmd) {
      return terms.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
}
