// What the machine can hold, checked before any load: every connection is a file descriptor and, to one
// target address, a local port of its own. A count beyond either is refused up front (exit 2), naming the
// limit and how to raise it, instead of a run lost in a storm of EMFILE / EADDRNOTAVAIL errors and retries.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';

/** Descriptors the process needs besides the connections (stdio, event loop, threads, files). */
const RESERVED_FDS = 64;

export interface MachineLimits {
  /** RLIMIT_NOFILE, soft and hard; undefined where /proc does not say. */
  openFiles?: { soft: number; hard: number };
  /** net.ipv4.ip_local_port_range. */
  portRange?: { low: number; high: number };
}

/** Reads the limits from /proc (Linux); a limit that cannot be read is not checked. */
export function machineLimits(): MachineLimits {
  const limits: MachineLimits = {};
  const files = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readOr('/proc/self/limits'));
  if (files) {
    const value = (s: string) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
    limits.openFiles = { soft: value(files[1]), hard: value(files[2]) };
  }
  const range = /^(\d+)\s+(\d+)/.exec(readOr('/proc/sys/net/ipv4/ip_local_port_range'));
  if (range) limits.portRange = { low: Number(range[1]), high: Number(range[2]) };
  return limits;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Throws a usage error when `connections` to one address cannot all be open at once here. */
export function checkConnectionLimits(connections: number, limits: MachineLimits = machineLimits()): void {
  const files = limits.openFiles;
  const needed = connections + RESERVED_FDS;
  if (files && needed > files.soft) {
    const raise =
      needed <= files.hard
        ? `raise it first: ulimit -n ${files.hard === Number.POSITIVE_INFINITY ? needed : files.hard}`
        : `raise the hard limit (${files.hard}) in /etc/security/limits.conf or with systemd's LimitNOFILE=, then ulimit -n ${needed}`;
    throw new UsageError(
      `--connections ${connections} needs more open files than this process may have (${files.soft}, RLIMIT_NOFILE): one per connection, plus about ${RESERVED_FDS}`,
      { hint: `use at most ${Math.max(1, files.soft - RESERVED_FDS)} connections, or ${raise}` },
    );
  }
  const ports = limits.portRange;
  if (ports && connections > ports.high - ports.low + 1) {
    const size = ports.high - ports.low + 1;
    throw new UsageError(
      `--connections ${connections} to one address needs more local ports than the ephemeral port range ${ports.low}-${ports.high} holds (${size})`,
      {
        hint: `use at most ${size} connections, or widen the range: sysctl -w net.ipv4.ip_local_port_range="1024 65535"`,
      },
    );
  }
}
