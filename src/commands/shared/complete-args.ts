// Which kind of value an argument or option takes, for shell completion.
export type ValueKind = 'context' | 'file' | 'format';

const argKinds = new WeakMap<object, ValueKind[]>();

/** Declares what the command's positional arguments are, in order. */
export function completeArgs<C extends object>(cmd: C, kinds: ValueKind[]): C {
  argKinds.set(cmd, kinds);
  return cmd;
}

export function argumentKinds(cmd: object): ValueKind[] {
  return argKinds.get(cmd) ?? [];
}

/** Value kinds of options, by long flag, wherever they appear. */
export const OPTION_VALUE_KINDS: Record<string, ValueKind> = {
  '--context': 'context',
  '--kubeconfig': 'file',
  '--output': 'format',
  '-o': 'format',
};
