// Running a load generator that is a separate program (wrk, wrk2, fortio): find it on PATH, run it
// through execa, stop it with SIGINT on Ctrl-C (they all print what they measured when interrupted).
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { OperationError } from '../../core/errors.js';
import { emptyTally, type TallyData } from '../engine/tally.js';
import type { RunSpec } from '../spec/run-spec.js';

const INSTALL: Record<string, string> = {
  wrk: 'install it with your package manager (Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk)',
  wrk2: 'build it from https://github.com/giltene/wrk2 (make, then put the "wrk" binary on PATH as "wrk2")',
  fortio:
    'install it from https://github.com/fortio/fortio/releases, or with Go: go install fortio.org/fortio@latest',
};

/** The program's path, or a clear error (exit 1) saying how to install it. */
export async function requireProgram(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  throw new OperationError(`the load generator "${name}" is not installed (not found on PATH)`, {
    hint: `${INSTALL[name] ?? `install ${name}`}; or use the built-in one: --load-generator native`,
  });
}

export interface ToolOutput {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  interrupted: boolean;
  startTime: Date;
  endTime: Date;
}

/** Runs the tool to completion; Ctrl-C sends it SIGINT and waits for its report. */
export async function runTool(program: string, args: string[], signal?: AbortSignal): Promise<ToolOutput> {
  const startTime = new Date();
  const child = execa(program, args, { reject: false, stripFinalNewline: false, stdin: 'ignore' });
  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    child.kill('SIGINT');
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await child;
    return {
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? ''),
      exitCode: r.exitCode,
      interrupted,
      startTime,
      endTime: new Date(),
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A failed run of a tool, with what it said. */
export function toolFailed(name: string, out: ToolOutput): OperationError {
  const said = (out.stderr || out.stdout).trim().split('\n').slice(-5);
  return new OperationError(`${name} failed (exit code ${out.exitCode ?? 'none'})`, {
    details: said,
    hint: `run with --load-generator native, or check the ${name} message above`,
  });
}

/** What wrk and wrk2 both count: completed requests, statuses >= 400 and socket errors. */
export function wrkTally(
  tool: string,
  c: {
    requests: number;
    status: number;
    connect: number;
    read: number;
    write: number;
    timeout: number;
    bytes: number;
  },
): TallyData {
  const tally = emptyTally();
  tally.sent = c.requests;
  tally.completed = c.requests;
  if (c.requests - c.status > 0) tally.statuses['<400'] = c.requests - c.status;
  if (c.status > 0) tally.statuses['>=400'] = c.status;
  tally.errors.connect = c.connect;
  tally.errors.reset = c.read + c.write;
  tally.errors.timeout = c.timeout;
  if (c.connect > 0) tally.errorSamples.connect = `${tool}: socket connect errors`;
  if (c.read + c.write > 0) tally.errorSamples.reset = `${tool}: socket read/write errors`;
  tally.bytesRead = c.bytes;
  return tally;
}

/** The command line wrk and wrk2 share; `extra` goes before the script and URL. */
export function wrkArgs(spec: RunSpec, seconds: number, script: string, extra: string[] = []): string[] {
  const threads = Math.max(1, Math.min(spec.workers, spec.connections));
  return [
    '-t',
    String(threads),
    '-c',
    String(spec.connections),
    '-d',
    `${seconds}s`,
    '--timeout',
    `${wholeSeconds(spec.timeoutMs)}s`,
    ...extra,
    '-s',
    script,
    spec.url,
  ];
}

/** A private temp folder for scripts, removed afterwards. */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'meshdeck-perf-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A Lua string literal for any bytes (wrk scripts): printable ASCII as is, the rest as \ddd. */
export function luaString(text: string | Buffer): string {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let out = '"';
  for (const b of bytes) {
    if (b >= 32 && b < 127 && b !== 34 && b !== 92) out += String.fromCharCode(b);
    else out += `\\${String(b).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** The wrk/wrk2 request set-up script: method, body and headers of the spec. */
export async function writeRequestScript(dir: string, spec: RunSpec, extra = ''): Promise<string> {
  const lines = [`wrk.method = ${luaString(spec.method)}`];
  if (spec.body) lines.push(`wrk.body = ${luaString(spec.body)}`);
  for (const [name, value] of spec.headers)
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  const file = join(dir, 'request.lua');
  await writeFile(file, `${lines.join('\n')}\n${extra}`, { mode: 0o600 });
  return file;
}

/** Whole seconds for tools that take no fractions; at least 1. */
export function wholeSeconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}
