// The kubeconfig name of the sandbox's cluster and context (light: the CLI's cluster lookup needs it).
export const SANDBOX_CONTEXT = 'meshdeck-sandbox';
