// The health-check framework: categories of named checks, each with a hint and a docs anchor. One runner
// (every check runs; independent ones at once; a check whose prerequisite did not pass is skipped with the
// reason), many outputs (see render.ts). Shaped after linkerd's healthcheck package.

/** [+] passed, [-] failed, [i] informational, or skipped because a prerequisite did not pass. */
export type Outcome = 'passed' | 'failed' | 'info' | 'skipped';

/** One finding under a check, e.g. one mesh of "control plane pods are ready". */
export interface SubResult {
  name: string;
  outcome: Exclude<Outcome, 'skipped'>;
  message: string;
}

/** What a check's run returns: its outcome, what it saw, and optional findings per item. */
export interface CheckReturn {
  outcome: Exclude<Outcome, 'skipped'>;
  message: string;
  children?: SubResult[];
}

export interface Check<C> {
  /** Stable id within its category, e.g. "reachable". */
  id: string;
  /** What it verifies, as a sentence fragment: "can reach the Kubernetes API". */
  description: string;
  /** What to do when it fails. */
  hint: string;
  /** Anchor in docs/checks.md. */
  anchor: string;
  /** Ids ("category/check") that must pass (or be informational) before this one runs. */
  dependsOn?: string[];
  run(context: C, signal: AbortSignal): Promise<CheckReturn>;
}

export interface Category<C> {
  id: string;
  checks: Check<C>[];
}

export interface CheckResult {
  category: string;
  id: string;
  description: string;
  outcome: Outcome;
  message: string;
  hint: string;
  docs: string;
  children: SubResult[];
  durationMs: number;
}

export interface CategoryResult {
  id: string;
  results: CheckResult[];
}

export interface CheckReport {
  success: boolean;
  categories: CategoryResult[];
  counts: Record<Outcome, number>;
  /** How many rounds --wait took (1 without --wait). */
  attempts: number;
  startedAt: string;
  finishedAt: string;
}

export const DOCS_PAGE = 'docs/checks.md';

/** From a child's outcomes: failed if any failed, passed if any passed, else informational. */
export function rollUp(children: readonly SubResult[], empty: CheckReturn): CheckReturn {
  if (children.length === 0) return empty;
  const failed = children.filter((c) => c.outcome === 'failed');
  const outcome =
    failed.length > 0 ? 'failed' : children.some((c) => c.outcome === 'passed') ? 'passed' : 'info';
  const message =
    failed.length > 0
      ? `${failed.length} of ${children.length} failed: ${failed.map((c) => c.name).join(', ')}`
      : `${children.length} checked`;
  return { outcome, message, children: [...children] };
}

/** Runs every check once. Independent checks run at once; dependants wait for what they depend on. */
export async function runChecks<C>(
  categories: readonly Category<C>[],
  context: C,
  signal: AbortSignal,
): Promise<CategoryResult[]> {
  const running = new Map<string, Promise<CheckResult>>();
  const byId = new Map<string, { category: string; check: Check<C> }>();
  for (const category of categories)
    for (const check of category.checks)
      byId.set(`${category.id}/${check.id}`, { category: category.id, check });

  const start = (key: string): Promise<CheckResult> => {
    let found = running.get(key);
    if (!found) {
      const entry = byId.get(key)!;
      found = runOne(entry.category, entry.check);
      running.set(key, found);
    }
    return found;
  };

  const runOne = async (category: string, check: Check<C>): Promise<CheckResult> => {
    const base = {
      category,
      id: check.id,
      description: check.description,
      hint: check.hint,
      docs: `${DOCS_PAGE}#${check.anchor}`,
      children: [] as SubResult[],
    };
    // A dependency that is not in this run (e.g. a category left out by a flag) does not block.
    const deps = (check.dependsOn ?? []).filter((d) => byId.has(d));
    const blocked: string[] = [];
    for (const dep of deps) {
      const result = await start(dep);
      if (result.outcome === 'failed' || result.outcome === 'skipped')
        blocked.push(`${dep} ${result.outcome}`);
    }
    if (blocked.length > 0) {
      return { ...base, outcome: 'skipped', message: `skipped: ${blocked.join(', ')}`, durationMs: 0 };
    }
    const started = performance.now();
    try {
      const r = await check.run(context, signal);
      return {
        ...base,
        outcome: r.outcome,
        message: r.message,
        children: r.children ?? [],
        durationMs: Math.round(performance.now() - started),
      };
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      return {
        ...base,
        outcome: 'failed',
        message: err instanceof Error ? err.message : String(err),
        durationMs: Math.round(performance.now() - started),
      };
    }
  };

  const all = await Promise.all([...byId.keys()].map((key) => start(key)));
  return categories.map((category) => ({
    id: category.id,
    results: all.filter((r) => r.category === category.id),
  }));
}

export function countOutcomes(categories: readonly CategoryResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { passed: 0, failed: 0, info: 0, skipped: 0 };
  for (const c of categories) for (const r of c.results) counts[r.outcome]++;
  return counts;
}

export interface WaitOptions {
  /** Keep trying until everything passes or this many ms have gone by; 0 runs once. */
  waitMs: number;
  intervalMs?: number;
  /** Told after each failing round that will be tried again. */
  onRetry?: (failing: CheckResult[], attempt: number) => void;
  now?: () => number;
}

/** Runs the checks; with waitMs, again until none fails or the time is up (report.success says which). */
export async function runUntilHealthy<C>(
  categories: readonly Category<C>[],
  /** A fresh context per round, so what a round caches (listed objects) is read again on the next. */
  context: () => C,
  signal: AbortSignal,
  options: WaitOptions,
): Promise<CheckReport & { timedOut: boolean }> {
  const now = options.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  const deadline = now() + options.waitMs;
  let attempts = 0;
  for (;;) {
    attempts++;
    const results = await runChecks(categories, context(), signal);
    const counts = countOutcomes(results);
    const success = counts.failed === 0;
    const report = { success, categories: results, counts, attempts, startedAt };
    const interval = options.intervalMs ?? 2000;
    if (success || options.waitMs <= 0 || now() + interval > deadline) {
      return {
        ...report,
        finishedAt: new Date(now()).toISOString(),
        timedOut: !success && options.waitMs > 0,
      };
    }
    options.onRetry?.(
      results.flatMap((c) => c.results.filter((r) => r.outcome === 'failed')),
      attempts,
    );
    await sleep(interval, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
