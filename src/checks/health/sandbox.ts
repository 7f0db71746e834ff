// sandbox: when the context's cluster is meshdeck's sandbox, its readiness (/readyz?verbose) and its size.
import type { Category } from '../framework.js';
import { parseHealthz } from './provider.js';
import type { CheckContext } from './context.js';

export const sandbox: Category<CheckContext> = {
  id: 'sandbox',
  checks: [
    {
      id: 'ready',
      description: 'sandbox is ready',
      hint: 'restart it (meshdeck sandbox stop && meshdeck sandbox start); its log is in meshdeck sandbox status',
      anchor: 'sandbox-ready',
      dependsOn: ['kubernetes-api/reachable'],
      run: async (ctx) => {
        const res = await ctx.kube.transport
          .request<string>({
            method: 'GET',
            path: '/readyz',
            query: { verbose: 1 },
            accept: 'text/plain',
            retry: false,
            what: '/readyz',
          })
          .catch((err: unknown) => {
            if (err && typeof err === 'object' && 'status' in err)
              return { status: (err as { status: number }).status, body: '' };
            throw err;
          });
        const children = parseHealthz(typeof res.body === 'string' ? res.body : '');
        const stats = await ctx.kube.transport
          .request<{ objects?: number; memory?: { rss?: number } }>({
            method: 'GET',
            path: '/sandbox/v1/stats',
            retry: false,
            what: 'sandbox stats',
          })
          .then((r) => r.body)
          .catch(() => undefined);
        if (stats) {
          const objects = typeof stats.objects === 'number' ? `${stats.objects} objects` : 'stats read';
          children.push({ name: 'stats', outcome: 'info', message: objects });
        }
        const ok = res.status === 200 && !children.some((c) => c.outcome === 'failed');
        return { outcome: ok ? 'passed' : 'failed', message: `/readyz answered ${res.status}`, children };
      },
    },
  ],
};
