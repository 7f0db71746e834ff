// What meshdeck adds to a commander command: examples for --help and docs, and the -o formats it prints.
// Kept apart from commander so that completion can read it without loading the command definitions.

export interface CommandMeta {
  examples: string[];
  formats?: readonly string[];
  defaultFormat?: string;
}

const metaByCommand = new WeakMap<object, CommandMeta>();

export function meta(cmd: object): CommandMeta {
  let m = metaByCommand.get(cmd);
  if (!m) {
    m = { examples: [] };
    metaByCommand.set(cmd, m);
  }
  return m;
}

export function commandMeta(cmd: object): Readonly<CommandMeta> {
  return meta(cmd);
}
