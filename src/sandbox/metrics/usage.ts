// Real CPU and memory of the processes that run the sandbox's process pods, read from Linux's /proc:
// CPU time (utime + stime, in clock ticks) and resident memory of every process in a pod's process group
// (a pod's process and whatever it started). CPU usage is a rate, so it is the CPU time used between two
// reads over the time between them (the first read of a group: over its whole life so far), as
// metrics-server reports usage over a window.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface GroupUsage {
  /** Cores (1 = one core busy all the time). */
  cpuCores: number;
  memoryBytes: number;
  windowMs: number;
}

interface GroupTimes {
  ticks: number;
  rssBytes: number;
  /** Seconds since boot when the group's leader started. */
  startedAt: number;
}

const PAGE_BYTES = 4096;
const MIN_WINDOW_MS = 200;

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export function procAvailable(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]. */
function statFields(pid: string): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU ticks and resident memory summed over the members of each process group asked for. */
function readGroups(groups: Set<number>): Map<number, GroupTimes> {
  const out = new Map<number, GroupTimes>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const f = statFields(pid);
    if (!f) continue;
    const pgrp = Number(f[2]);
    if (!groups.has(pgrp)) continue;
    const t = out.get(pgrp) ?? { ticks: 0, rssBytes: 0, startedAt: 0 };
    t.ticks += Number(f[11]) + Number(f[12]);
    t.rssBytes += Number(f[21]) * PAGE_BYTES;
    if (Number(pid) === pgrp) t.startedAt = Number(f[19]) / ticksPerSecond();
    out.set(pgrp, t);
  }
  return out;
}

function uptimeSeconds(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

/** Keeps the last read of each group, to turn CPU time into usage over a window. */
export class UsageReader {
  private last = new Map<number, { at: number; ticks: number; usage: GroupUsage }>();

  read(groups: number[]): Map<number, GroupUsage> {
    const now = Date.now();
    const times = readGroups(new Set(groups));
    const hz = ticksPerSecond();
    const out = new Map<number, GroupUsage>();
    for (const group of groups) {
      const t = times.get(group);
      if (!t) continue;
      const before = this.last.get(group);
      let usage: GroupUsage;
      if (before && now - before.at < MIN_WINDOW_MS) usage = { ...before.usage, memoryBytes: t.rssBytes };
      else if (before) {
        const windowMs = now - before.at;
        usage = {
          cpuCores: (t.ticks - before.ticks) / hz / (windowMs / 1000),
          memoryBytes: t.rssBytes,
          windowMs,
        };
      } else {
        const lifeS = Math.max(0.001, uptimeSeconds() - t.startedAt);
        usage = {
          cpuCores: t.ticks / hz / lifeS,
          memoryBytes: t.rssBytes,
          windowMs: Math.round(lifeS * 1000),
        };
      }
      if (!before || now - before.at >= MIN_WINDOW_MS)
        this.last.set(group, { at: now, ticks: t.ticks, usage });
      out.set(group, usage);
    }
    for (const group of this.last.keys()) if (!times.has(group)) this.last.delete(group);
    return out;
  }
}
