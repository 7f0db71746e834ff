// provider: the context's Remote Provider answers, is ready (its /healthz/ready?verbose=1 lines become
// sub-checks, Meshery's format), we are signed in, and the outbox is not piling up.
import type { Category, SubResult } from '../framework.js';
import type { CheckContext, ProviderProbe } from './context.js';

/** An outbox this long means work has not reached the provider for a while. */
export const OUTBOX_LIMIT = 100;

/** "[+]database ok (...)" / "[-]migrations failed: ..." / "[i]version 0.1.0" → sub-results. */
export function parseHealthz(text: string): SubResult[] {
  const out: SubResult[] = [];
  for (const line of text.split('\n')) {
    const m = /^\[([+\-i])\](\S+)\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const outcome = m[1] === '+' ? 'passed' : m[1] === '-' ? 'failed' : 'info';
    out.push({ name: m[2], outcome, message: m[3] });
  }
  return out;
}

function probe(ctx: CheckContext): ProviderProbe {
  if (!ctx.provider) throw new Error('no provider in this context');
  return ctx.provider;
}

export const provider: Category<CheckContext> = {
  id: 'provider',
  checks: [
    {
      id: 'reachable',
      description: 'can reach the provider',
      hint: 'check the URL (meshdeck context show) and that the provider runs; work saved meanwhile waits in the outbox',
      anchor: 'provider-reachable',
      run: async (ctx) => {
        const p = probe(ctx);
        if (!p.url)
          return {
            outcome: 'info',
            message: `${p.description} is not running (it starts when a command needs it)`,
          };
        const res = await p.get('/healthz/live');
        return res.status === 200
          ? { outcome: 'passed', message: `${p.description} answers` }
          : { outcome: 'failed', message: `${p.description} answered ${res.status} to /healthz/live` };
      },
    },
    {
      id: 'ready',
      description: 'provider is ready',
      hint: "look at the failed lines; on the provider's host, its log says more (meshdeck provider serve)",
      anchor: 'provider-ready',
      dependsOn: ['provider/reachable'],
      run: async (ctx) => {
        const p = probe(ctx);
        if (!p.url) return { outcome: 'info', message: 'not running' };
        const res = await p.get('/healthz/ready?verbose=1');
        const children = parseHealthz(res.text);
        const failed = res.status !== 200 || children.some((c) => c.outcome === 'failed');
        return {
          outcome: failed ? 'failed' : 'passed',
          message: `/healthz/ready answered ${res.status}`,
          children,
        };
      },
    },
    {
      id: 'signed-in',
      description: 'signed in to the provider',
      hint: 'run meshdeck login (or set MESHDECK_TOKEN in CI)',
      anchor: 'provider-signed-in',
      dependsOn: ['provider/reachable'],
      run: async (ctx) => {
        const p = probe(ctx);
        if (!p.url) return { outcome: 'info', message: 'the built-in provider signs in by itself' };
        const user = await p.whoami();
        return user
          ? { outcome: 'passed', message: `as ${user}` }
          : { outcome: 'failed', message: `no credential for ${p.description}` };
      },
    },
    {
      id: 'outbox',
      description: 'outbox is draining',
      hint: 'run meshdeck sync to replay queued changes once the provider is reachable',
      anchor: 'provider-outbox',
      run: async (ctx) => {
        const size = await probe(ctx).outboxSize();
        if (size === 0) return { outcome: 'passed', message: 'empty' };
        return {
          outcome: size > OUTBOX_LIMIT ? 'failed' : 'info',
          message: `${size} change${size === 1 ? '' : 's'} waiting${size > OUTBOX_LIMIT ? ` (more than ${OUTBOX_LIMIT})` : ''}`,
        };
      },
    },
  ],
};
