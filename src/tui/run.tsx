// Entry point of the TUI, reached only through import() from `meshdeck dashboard`: ink and React load
// here and nowhere else. The dashboard takes the alternate screen and gives the terminal back as it
// found it when it ends, however it ends.
import { render } from 'ink';
import type { OpenSources } from './base/sources.js';
import { App, type ViewName } from './app.js';

export interface DashboardOptions {
  open: OpenSources;
  color: boolean;
  context?: string;
  initialView?: ViewName;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';

export async function runDashboard(o: DashboardOptions): Promise<void> {
  o.stdout.write(ENTER_ALT_SCREEN);
  const instance = render(
    <App open={o.open} color={o.color} context={o.context} initialView={o.initialView} />,
    {
      stdin: o.stdin,
      stdout: o.stdout,
      exitOnCtrlC: true,
      patchConsole: true,
      // Ten frames a second at most, and only the lines that changed: live updates do not flicker.
      maxFps: 10,
      incrementalRendering: true,
    },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    instance.cleanup();
    o.stdout.write(LEAVE_ALT_SCREEN);
  }
}
