// Rendering a view with ink-testing-library: keys as a terminal sends them, and waits on the frame
// (polling until a condition holds), never on time.
import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReactElement } from 'react';
import { UiContext, type Ui } from '../../src/tui/base/ui.js';

export const KEY = {
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  up: '\u001b[A',
  down: '\u001b[B',
  backspace: '\u007f',
};

export interface Rendered {
  frame(): string;
  press(...keys: string[]): Promise<void>;
  until(test: RegExp | ((frame: string) => boolean), what?: string): Promise<string>;
  ui: Ui & { said: string[]; typingNow: () => boolean };
  unmount(): void;
}

/** Renders `node` with a UI context whose messages and typing state the test can read. */
export function show(node: ReactElement, options: { color?: boolean; width?: number } = {}): Rendered {
  const said: string[] = [];
  let typing = false;
  const ui = {
    color: options.color ?? true,
    typing: false,
    setTyping: (on: boolean) => {
      typing = on;
    },
    say: (m: string) => said.push(m),
    said,
    typingNow: () => typing,
  };
  // The dashboard gives each view a box as wide as the terminal: 80 columns here unless asked.
  const r = render(
    <UiContext.Provider value={ui}>
      <Box width={options.width ?? 80} flexDirection="column">
        {node}
      </Box>
    </UiContext.Provider>,
  );
  const frame = () => r.lastFrame() ?? '';
  const until = async (test: RegExp | ((f: string) => boolean), what = String(test)) => {
    const ok = typeof test === 'function' ? test : (f: string) => test.test(f);
    for (let i = 0; i < 500; i++) {
      if (ok(frame())) return frame();
      await sleep(10);
    }
    throw new Error(`the frame never showed ${what}:\n${frame()}`);
  };
  return {
    frame,
    until,
    ui,
    unmount: () => r.unmount(),
    // One key per write, each after React has had its turn, as keys a person types arrive.
    press: async (...keys) => {
      for (const k of keys) {
        r.stdin.write(k);
        await sleep(20);
      }
    },
  };
}

/** Waits until `check` stops throwing (a callback was called, a value arrived). */
export async function eventually(check: () => void): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 500; i++) {
    try {
      check();
      return;
    } catch (err) {
      last = err;
      await sleep(10);
    }
  }
  throw last;
}
