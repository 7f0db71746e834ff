// Small hooks the dashboard's panes share: load something once a view is opened, follow the terminal's
// size, and hand a fast stream of values to React at most every `ms` (so 10 updates a second stay calm).
import { useStdout } from 'ink';
import { performance } from 'node:perf_hooks';
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  value?: T;
  error?: string;
  loading: boolean;
  reload: () => void;
}

/** A MeshdeckError's message with its hint; anything else's message. */
export function errorText(err: unknown): string {
  const e = err as { message?: string; hint?: string };
  const message = e?.message ?? String(err);
  return e?.hint ? `${message} (${e.hint})` : message;
}

/** Runs `load` when `enabled` first becomes true, and again on reload(); keeps the last value meanwhile. */
export function useLoad<T>(load: () => Promise<T>, enabled: boolean): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: string; loading: boolean }>({ loading: false });
  const [round, setRound] = useState(0);
  const started = useRef(-1);
  useEffect(() => {
    if (!enabled || started.current === round) return;
    started.current = round;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => live && setState({ value, loading: false }),
      (err: unknown) => live && setState((s) => ({ ...s, error: errorText(err), loading: false })),
    );
    return () => {
      live = false;
    };
    // `load` is a fresh closure each render; the round and `enabled` decide when to load.
  }, [enabled, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}

/** The terminal's size, following resizes. */
export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/**
 * A setter that passes on only the latest value, at most once every `ms`: a value after a quiet spell
 * goes out at once (the first snapshot draws without waiting), a burst's last value at the end of `ms`.
 */
export function useThrottledState<T>(
  ms: number,
  initial?: () => T | undefined,
): [T | undefined, (value: T) => void] {
  const [value, setValue] = useState<T | undefined>(initial);
  const latest = useRef<T>(undefined);
  const timer = useRef<NodeJS.Timeout>(undefined);
  const last = useRef(-Infinity);
  useEffect(() => () => clearTimeout(timer.current), []);
  const push = useCallback(
    (v: T) => {
      latest.current = v;
      if (timer.current) return;
      const flush = () => {
        timer.current = undefined;
        last.current = performance.now();
        setValue(latest.current);
      };
      const wait = last.current + ms - performance.now();
      if (wait <= 0) flush();
      else timer.current = setTimeout(flush, wait);
    },
    [ms],
  );
  return [value, push];
}
