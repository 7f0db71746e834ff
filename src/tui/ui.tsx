// What every view shares: whether colours are allowed (NO_COLOR, --no-color), whether a view holds the
// keyboard for typing (a filter, a URL) so the global keys stay quiet, and a one-line text prompt.
import { Text, useInput } from 'ink';
import { createContext, useContext, useRef, useState, type ReactNode } from 'react';

export interface Ui {
  color: boolean;
  /** A view is reading typed text: Tab, digits, q and ? are its own until it is done. */
  typing: boolean;
  setTyping: (on: boolean) => void;
  /** A line for the status bar. */
  say: (message: string) => void;
}

export const UiContext = createContext<Ui>({
  color: true,
  typing: false,
  setTyping: () => undefined,
  say: () => undefined,
});

export const useUi = (): Ui => useContext(UiContext);

/** A colour name when colours are allowed, else undefined (ink then writes plain text). */
export function useColor(): (name: string) => string | undefined {
  const { color } = useUi();
  return (name) => (color ? name : undefined);
}

const MARKS: Record<string, [string, string]> = {
  passed: ['[+]', 'green'],
  failed: ['[-]', 'red'],
  info: ['[i]', 'blue'],
  skipped: ['[~]', 'gray'],
};

/** A check outcome as linkerd prints it: [+] [-] [i], and [~] for skipped. */
export function Mark({ outcome }: { outcome: string }): ReactNode {
  const c = useColor();
  const [mark, color] = MARKS[outcome] ?? ['[?]', 'yellow'];
  return <Text color={c(color)}>{mark}</Text>;
}

/** A selected row: inverse where colours are allowed, and a `>` marker always. */
export function Line({ selected, children }: { selected?: boolean; children: string }): ReactNode {
  const { color } = useUi();
  return (
    <Text inverse={Boolean(selected) && color} wrap="truncate">
      {selected ? '>' : ' '}
      {children}
    </Text>
  );
}

/** Reads one line of text; Enter gives it, Escape gives it up. Holds the keyboard while open. */
export function Prompt({
  label,
  initial = '',
  onDone,
}: {
  label: string;
  initial?: string;
  onDone: (text: string | undefined) => void;
}): ReactNode {
  const [text, setText] = useState(initial);
  // Keys that arrive in one read are handled before React renders again: the text lives in a ref too,
  // so Enter right after typing gives what was typed.
  const current = useRef(initial);
  const set = (t: string) => {
    current.current = t;
    setText(t);
  };
  useInput((input, key) => {
    if (key.return) onDone(current.current);
    else if (key.escape) onDone(undefined);
    else if (key.backspace || key.delete) set(current.current.slice(0, -1));
    else if (input && !key.ctrl && !key.meta && !key.tab) set(current.current + input);
  });
  return (
    <Text wrap="truncate">
      {label}
      {text}
      <Text inverse> </Text>
    </Text>
  );
}
