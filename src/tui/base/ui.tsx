// What every view shares: whether colours are allowed (NO_COLOR, --no-color), whether a view holds the
// keyboard for typing (a filter, a URL) so the global keys stay quiet, and a one-line text prompt.
import { Text, type Key } from 'ink';
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

export interface LineEditor {
  /** undefined: not editing. */
  text: string | undefined;
  start(initial?: string): void;
  /** Feeds a key while editing; true when the key was the editor's. */
  handle(input: string, key: Key): boolean;
}

/**
 * One line of typed text, read by the view's own key handler (so no key is lost between a handler
 * going and another coming). Enter gives the text to `done`, Escape gives up (undefined); while open,
 * the global keys are off.
 */
export function useLineEditor(done: (text: string | undefined) => void): LineEditor {
  const ui = useUi();
  const [text, setText] = useState<string>();
  // Keys that arrive in one read are handled before React renders again: the text lives in a ref too.
  const current = useRef<string | undefined>(undefined);
  const set = (t: string | undefined) => {
    current.current = t;
    setText(t);
  };
  return {
    text,
    start(initial = '') {
      set(initial);
      ui.setTyping(true);
    },
    handle(input, key) {
      const now = current.current;
      if (now === undefined) return false;
      if (key.return || key.escape) {
        set(undefined);
        ui.setTyping(false);
        done(key.return ? now : undefined);
      } else if (key.backspace || key.delete) set(now.slice(0, -1));
      else if (input && !key.ctrl && !key.meta && !key.tab) set(now + input);
      return true;
    },
  };
}

/** The line being edited, with a block cursor. */
export function Prompt({ label, text }: { label: string; text: string }): ReactNode {
  return (
    <Text wrap="truncate">
      {label}
      {text}
      <Text inverse> </Text>
    </Text>
  );
}

export interface Cursor {
  index: number;
  /** The index as of the last key, even before React renders again. */
  now(): number;
  move(by: number): void;
}

/** The selected row of a list of `count`, moved by keys; kept in a ref too, like the line editor. */
export function useCursor(count: number, initial = 0): Cursor {
  const [index, setIndex] = useState(initial);
  const current = useRef(initial);
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  return {
    index: clamp(index),
    now: () => clamp(current.current),
    move(by) {
      current.current = clamp(clamp(current.current) + by);
      setIndex(current.current);
    },
  };
}

/**
 * State whose latest value key handlers read at once (get()), even for keys that arrive in one read,
 * before React renders again.
 */
export function useKeyState<T>(initial: T): [T, (next: T) => void, () => T] {
  const [value, setValue] = useState(initial);
  const current = useRef(initial);
  const set = (next: T) => {
    current.current = next;
    setValue(next);
  };
  return [value, set, () => current.current];
}
