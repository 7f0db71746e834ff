// Real headless chromium driven over the DevTools protocol through --remote-debugging-pipe (fd 3: our
// commands, fd 4: its answers and events, each JSON message ended by a NUL). Node 20 has no WebSocket
// without a flag, and a pipe needs no port. Enough to open a page, run script in it and wait for events.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

interface Message {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export class Chromium {
  private readonly child: ChildProcess;
  private readonly profile = mkdtempSync(join(tmpdir(), 'meshdeck-chromium-'));
  private readonly input: Writable;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(m: Message) => void>();
  private stderr = '';

  constructor() {
    this.child = spawn(
      'chromium',
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-extensions',
        `--user-data-dir=${this.profile}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      // A process group of its own: close() ends the browser with its renderer and utility processes.
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true },
    );
    this.input = this.child.stdio[3] as Writable;
    this.input.on('error', () => undefined);
    (this.child.stdio[2] as Readable).setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    let buffered = '';
    (this.child.stdio[4] as Readable).setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      let end: number;
      while ((end = buffered.indexOf('\0')) >= 0) {
        const message = JSON.parse(buffered.slice(0, end)) as Message;
        buffered = buffered.slice(end + 1);
        this.dispatch(message);
      }
    });
    this.child.once('exit', (code) => {
      for (const p of this.pending.values())
        p.reject(new Error(`chromium exited ${code}: ${this.stderr.slice(-2000)}`));
      this.pending.clear();
    });
  }

  private dispatch(message: Message): void {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`DevTools: ${message.error.message}`));
      else waiter?.resolve(message);
      return;
    }
    for (const listener of this.listeners) listener(message);
  }

  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const reply = new Promise<Message>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return reply.then((m) => m.result ?? {});
  }

  /** Resolves with the first event of this name (in this session) that `accept` takes. */
  waitForEvent(
    method: string,
    sessionId: string,
    timeoutMs: number,
    accept: (params: Record<string, unknown>) => boolean = () => true,
  ) {
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (m: Message) => {
        if (m.method !== method || m.sessionId !== sessionId || !accept(m.params ?? {})) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(m.params ?? {});
      };
      this.listeners.add(listener);
    });
  }

  /** Opens a new tab and returns its DevTools session, with page and runtime events on. */
  async newPage(): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId as string);
    await this.send('Page.enable', {}, page.sessionId);
    await this.send('Runtime.enable', {}, page.sessionId);
    return page;
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      const gone = new Promise((r) => this.child.once('exit', r));
      process.kill(-this.child.pid!, 'SIGKILL');
      await gone;
    }
    // A child that was still writing into the profile may leave a file behind as the folder goes.
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  }
}

export class Page {
  constructor(
    private readonly browser: Chromium,
    readonly sessionId: string,
  ) {}

  /** Navigates and waits for the page's load event. */
  async goto(url: string, timeoutMs = 30_000): Promise<void> {
    const loaded = this.browser.waitForEvent('Page.loadEventFired', this.sessionId, timeoutMs);
    await this.browser.send('Page.navigate', { url }, this.sessionId);
    await loaded;
  }

  /** The value of a script expression run in the page. */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.browser.send(
      'Runtime.evaluate',
      { expression, returnByValue: true, awaitPromise: true },
      this.sessionId,
    )) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.text}`);
    return result.value;
  }
}
