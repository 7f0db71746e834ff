// kubernetes-api: the API answers, its version is one meshdeck supports, and its clock agrees with ours.
import type { Category } from '../framework.js';
import type { CheckContext } from './context.js';

/** Kubernetes minor versions meshdeck and the meshes it installs support (meshes.md section 0). */
export const SUPPORTED_KUBERNETES = { min: 28, max: 35 };
/** More skew than this breaks token and certificate validity windows. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export const kubernetesApi: Category<CheckContext> = {
  id: 'kubernetes-api',
  checks: [
    {
      id: 'reachable',
      description: 'can reach the Kubernetes API',
      hint: 'check the kubeconfig and context (meshdeck context show), and that the API server is up',
      anchor: 'k8s-api-reachable',
      run: async (ctx) => {
        const res = await ctx.version();
        return {
          outcome: 'passed',
          message: `${ctx.kube.describe} answers (${res.body.gitVersion ?? 'unknown version'})`,
        };
      },
    },
    {
      id: 'version',
      description: 'Kubernetes version is supported',
      hint: `meshdeck supports Kubernetes 1.${SUPPORTED_KUBERNETES.min} to 1.${SUPPORTED_KUBERNETES.max}; upgrade the cluster`,
      anchor: 'k8s-version',
      dependsOn: ['kubernetes-api/reachable'],
      run: async (ctx) => {
        const { body } = await ctx.version();
        const minor = Number.parseInt(body.minor ?? '', 10);
        const version = `${body.major}.${body.minor}`;
        if (body.major !== '1' || Number.isNaN(minor))
          return { outcome: 'failed', message: `cannot read the version (${version})` };
        const ok = minor >= SUPPORTED_KUBERNETES.min && minor <= SUPPORTED_KUBERNETES.max;
        return {
          outcome: ok ? 'passed' : 'failed',
          message: `${version} ${ok ? 'is' : 'is not'} in 1.${SUPPORTED_KUBERNETES.min}-1.${SUPPORTED_KUBERNETES.max}`,
        };
      },
    },
    {
      id: 'clock-skew',
      description: 'no clock skew between this machine and the API server',
      hint: 'synchronise the clocks (NTP) of this machine and the cluster; skew breaks token and certificate validity',
      anchor: 'k8s-clock-skew',
      dependsOn: ['kubernetes-api/reachable'],
      run: async (ctx) => {
        const res = await ctx.version();
        const date = res.headers.date;
        if (!date) return { outcome: 'info', message: 'the API server sent no Date header' };
        // The header has whole seconds: allow one second of rounding on top of the limit.
        const skew = Date.parse(date) - ctx.now();
        const ok = Math.abs(skew) <= MAX_CLOCK_SKEW_MS + 1000;
        return {
          outcome: ok ? 'passed' : 'failed',
          message: `${Math.round(Math.abs(skew) / 1000)} s ${skew >= 0 ? 'ahead' : 'behind'} (limit ${MAX_CLOCK_SKEW_MS / 60_000} min)`,
        };
      },
    },
  ],
};
