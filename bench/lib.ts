// Shared helpers for benchmarks: commands run in turn (interleaved), so that machine noise hits every
// contender alike, and medians rather than means.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Contender {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs every contender once per round, for `rounds` rounds after `warmup` rounds; wall times in ms. */
export function timeInterleaved(
  contenders: readonly Contender[],
  rounds: number,
  warmup = 3,
): Map<string, number[]> {
  const times = new Map(contenders.map((c) => [c.name, [] as number[]]));
  for (let round = -warmup; round < rounds; round++) {
    for (const c of contenders) {
      const start = performance.now();
      // stdout is a pipe, as when a script captures the output.
      const result = spawnSync(c.command, c.args, {
        env: c.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const elapsed = performance.now() - start;
      if (result.status !== 0) {
        throw new Error(`${c.name} exited ${result.status}: ${result.stderr?.toString() ?? ''}`);
      }
      if (round >= 0) times.get(c.name)!.push(elapsed);
    }
  }
  return times;
}

export function writeResult(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function machine(): Record<string, unknown> {
  return { node: process.version, platform: process.platform, arch: process.arch };
}
