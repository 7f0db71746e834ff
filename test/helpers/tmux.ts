// A terminal for tests that drive the real binary as a person would: a tmux server of its own (its own
// socket), one window of a given size running one command; keys go in with send-keys, the screen comes
// back with capture-pane. Waits poll the screen until a condition holds, never a fixed time.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class TmuxTerminal {
  private readonly dir = mkdtempSync(join(tmpdir(), 'meshdeck-tmux-'));
  private readonly socket = join(this.dir, 'socket');
  private readonly statusFile = join(this.dir, 'status');

  private constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** Starts `argv` in a width×height window; the pane stays after the command exits (remain-on-exit). */
  static start(
    argv: string[],
    env: Record<string, string>,
    size: { width: number; height: number } = { width: 80, height: 24 },
  ): TmuxTerminal {
    const t = new TmuxTerminal({ PATH: process.env.PATH, LANG: 'C.UTF-8', TERM: 'xterm-256color', ...env });
    t.tmux([
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'test',
      '-x',
      String(size.width),
      '-y',
      String(size.height),
      '-e',
      'CI=false',
      ...envFlags(env),
      // The shell records the command's status itself: tmux can mark a pane dead (its terminal closed)
      // and leave the process unreaped, its status unknown, for as long as nothing else wakes it.
      `${quoteArgv(argv)}; s=$?; echo $s > '${t.statusFile}'; exit $s`,
    ]);
    t.tmux(['set-option', '-t', 'test', 'remain-on-exit', 'on']);
    return t;
  }

  tmux(args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { env: this.env, encoding: 'utf8' });
  }

  /** Keys as tmux names them: 'Tab', 'BTab', 'Enter', 'Escape', 'C-c', or literal text with literal=true. */
  keys(keys: string[], literal = false): void {
    this.tmux(['send-keys', '-t', 'test', ...(literal ? ['-l'] : []), ...keys]);
  }

  type(text: string): void {
    this.keys([text], true);
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-t', 'test']);
  }

  resize(width: number, height: number): void {
    this.tmux(['resize-window', '-t', 'test', '-x', String(width), '-y', String(height)]);
  }

  /** The command's exit status once it has exited, else undefined. */
  /** The command's exit status once it has ended (128 + N for signal N); undefined before. */
  exitStatus(): number | undefined {
    const text = existsSync(this.statusFile) ? readFileSync(this.statusFile, 'utf8').trim() : '';
    return text === '' ? undefined : Number(text);
  }

  /** Polls the screen until `test` holds for it; fails with the last screen after `timeoutMs`. */
  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 30_000): Promise<string> {
    const ok = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (ok(last)) return last;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${String(test)}; the screen was:\n${last}`);
  }

  stop(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server'], { env: this.env });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function envFlags(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
}

/** One shell command line from an argv (tmux runs its command through the shell). */
function quoteArgv(argv: string[]): string {
  return argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}
