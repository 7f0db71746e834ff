// Tests that drive an optional program (a shell, wrk, a Secret Service, a browser) ask for it here. On a
// developer's machine that lacks it the test is skipped with a one-line reason naming the Debian package,
// and the runner lists those skips in its summary; in CI (scripts/run-tests.mjs sets
// MESHDECK_TEST_REQUIRE_PROGRAMS when CI is set) a missing program fails the test instead, so CI keeps
// covering what these tests cover.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import type { TestContext } from 'node:test';

export interface Program {
  /** The executable looked up on PATH. */
  command: string;
  /** The Debian package that installs it (scripts/ci-packages.txt). */
  debianPackage: string;
  /** A command that succeeds only when the program is usable (for a library, say), instead of a PATH lookup. */
  probe?: string[];
}

const found = new Map<string, boolean>();

export function onPath(command: string): boolean {
  return available({ command, debianPackage: '' });
}

function available(program: Program): boolean {
  const key = program.probe ? program.probe.join('\0') : program.command;
  let known = found.get(key);
  if (known === undefined) {
    const [cmd, ...args] = program.probe ?? ['sh', '-c', 'command -v "$1"', 'sh', program.command];
    known = spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
    found.set(key, known);
  }
  return known;
}

/** Whether missing programs fail tests (CI) rather than skip them (a developer's machine). */
export function programsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.MESHDECK_TEST_REQUIRE_PROGRAMS;
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

/** The one-line reason for a skip, naming what to install. */
export function missingReason(missing: Program[]): string {
  const packages = [...new Set(missing.map((p) => p.debianPackage))].join(' ');
  return `needs ${missing.map((p) => p.command).join(', ')}: apt-get install ${packages}`;
}

/**
 * Call first in a test that runs these programs. Returns true when they are all on PATH. Otherwise it
 * skips the test (returns false: the test returns at once) or, where programs are required, throws.
 */
export function needPrograms(t: TestContext, ...programs: Program[]): boolean {
  const missing = programs.filter((p) => !available(p));
  if (missing.length === 0) return true;
  const reason = missingReason(missing);
  if (programsRequired()) throw new Error(`CI requires this program: ${reason} (scripts/ci-packages.txt)`);
  t.skip(reason);
  const log = process.env.MESHDECK_TEST_SKIP_LOG;
  if (log) appendFileSync(log, `${t.fullName}\t${reason}\n`);
  return false;
}

export const ZSH: Program = { command: 'zsh', debianPackage: 'zsh' };
export const FISH: Program = { command: 'fish', debianPackage: 'fish' };
export const WRK: Program = { command: 'wrk', debianPackage: 'wrk' };
export const DBUS_SESSION: Program = { command: 'dbus-run-session', debianPackage: 'dbus' };
export const GNOME_KEYRING: Program = { command: 'gnome-keyring-daemon', debianPackage: 'gnome-keyring' };
export const CHROMIUM: Program = { command: 'chromium', debianPackage: 'chromium' };
export const TMUX: Program = { command: 'tmux', debianPackage: 'tmux' };
/**
 * The official Kubernetes Python client, a third real client for the sandbox's fidelity tests. Run it
 * with DEBIAN_PYTHON: a python3 earlier on PATH (pyenv, a venv) does not see Debian's packages.
 */
export const DEBIAN_PYTHON = '/usr/bin/python3';
export const PYTHON_KUBERNETES: Program = {
  command: `${DEBIAN_PYTHON} (module kubernetes)`,
  debianPackage: 'python3-kubernetes',
  probe: [DEBIAN_PYTHON, '-c', 'import kubernetes'],
};
