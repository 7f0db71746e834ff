// A meshdeck service run in the background on this machine: a detached `meshdeck ...` process whose log is
// a file and which writes a JSON state file (pid and whatever its callers need) once it is ready. The
// sandbox's `start --detach` and the built-in provider both run this way; what their state holds and how
// readiness is probed stays with them.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../core/process.js';

export { processAlive };

const POLL_MS = 50;

/** Why a detached service did not become ready. */
export type StartFailure = { kind: 'exited'; code: number | null } | { kind: 'timeout' };

export interface DetachedService<T> {
  /** Arguments for this Node binary (process.execPath), e.g. [entry, 'sandbox', 'start']. */
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** 'append' keeps earlier runs' lines (the log is rotated past 1 MiB); 'truncate' starts afresh. */
  log: 'append' | 'truncate';
  timeoutMs: number;
  /** The service's state once it is ready (it wrote its state file, and answers if that matters). */
  ready: (pid: number) => Promise<T | undefined>;
  /** The error to throw when it exits first or is not ready in time (then it is sent SIGTERM). */
  failure: (why: StartFailure, logTail: string[]) => Error;
}

/** Spawns the service detached from this process and waits until it is ready. */
export async function spawnDetached<T>(s: DetachedService<T>): Promise<T> {
  if (s.log === 'append') rotateLog(s.logFile);
  const logFd = openSync(s.logFile, s.log === 'append' ? 'a' : 'w', 0o600);
  const child = spawn(process.execPath, s.args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: s.env,
  });
  closeSync(logFd);
  let exited: { code: number | null } | undefined;
  child.on('exit', (code) => (exited = { code }));
  child.on('error', () => (exited = { code: -1 }));
  child.unref();

  const deadline = Date.now() + s.timeoutMs;
  while (Date.now() < deadline && !exited) {
    const state = child.pid === undefined ? undefined : await s.ready(child.pid);
    if (state) return state;
    await sleep(POLL_MS);
  }
  if (exited) throw s.failure({ kind: 'exited', code: exited.code }, logTail(s.logFile));
  child.kill('SIGTERM');
  throw s.failure({ kind: 'timeout' }, logTail(s.logFile));
}

/** A state file's content when it parses and passes `valid`, else undefined (absent, partial, foreign). */
export async function readStateFile<T>(file: string, valid: (value: T) => boolean): Promise<T | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as T;
    return value && valid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends SIGTERM and waits up to graceMs for the process to go; with `force`, SIGKILL after that.
 * Returns false when there was no such process to signal.
 */
export async function stopProcess(pid: number, o: { graceMs: number; force?: boolean }): Promise<boolean> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + o.graceMs;
  while (processAlive(pid) && Date.now() < deadline) await sleep(POLL_MS);
  if (o.force && processAlive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}

/** The last lines of a service's log, for an error's details ([] when there is no log). */
export function logTail(file: string, lines = 5): string[] {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
  } catch {
    return [];
  }
}

const LOG_LIMIT_BYTES = 1024 * 1024;

/** Keeps an appended log from growing forever: past 1 MiB, the previous one becomes <log>.1. */
function rotateLog(file: string): void {
  try {
    if (statSync(file).size > LOG_LIMIT_BYTES) renameSync(file, `${file}.1`);
  } catch {
    /* no log yet */
  }
}
