// The real meshdeck binary started in the background, for tests that act while it runs (restart the
// server it talks to) and wait for what it prints on stderr.
import { spawn } from 'node:child_process';
import { BIN, type RunResult } from './cli.js';

export interface Background {
  stderr(): string;
  /** Resolves once stderr matches; rejects after timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<RunResult>;
}

export function startMeshdeck(args: string[], env: Record<string, string>, killAfterMs = 90_000): Background {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    for (const l of listeners) l();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const done = new Promise<RunResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const l of listeners) l();
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    stderr: () => stderr,
    done,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stderr)) {
            cleanup();
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`meshdeck ended before printing ${pattern}; stderr:\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms; stderr:\n${stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
  };
}
