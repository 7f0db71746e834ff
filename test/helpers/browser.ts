// A page as a person's browser shows it: real headless chromium (the Debian package) loads a file, runs
// its scripts and prints the DOM it ended with, or a screenshot.
import { runProcess } from './cli.js';

const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions'];

/** The DOM after the page's scripts ran (timers included, up to budgetMs of virtual time). */
export async function renderedDom(file: string, budgetMs = 5000): Promise<string> {
  const r = await runProcess(
    'chromium',
    [...FLAGS, `--virtual-time-budget=${budgetMs}`, '--dump-dom', `file://${file}`],
    {
      timeoutMs: 60_000,
    },
  );
  if (r.code !== 0) throw new Error(`chromium exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

export async function screenshot(file: string, png: string, size = '1100,2400'): Promise<void> {
  const r = await runProcess(
    'chromium',
    [...FLAGS, `--window-size=${size}`, `--screenshot=${png}`, `file://${file}`],
    {
      timeoutMs: 60_000,
    },
  );
  if (r.code !== 0) throw new Error(`chromium exited ${r.code}: ${r.stderr.slice(-2000)}`);
}
