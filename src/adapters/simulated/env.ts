// How the simulated control plane's pod passes its serving certificate, key, token and the API server's CA
// to `meshdeck mesh simulate-injector`: environment variables. A leaf module, so that the process the
// sandbox starts for the pod loads only the injector (it is on the path to the control plane being ready).
export const ENV = {
  cert: 'MESHDECK_SIMULATED_TLS_CERT',
  key: 'MESHDECK_SIMULATED_TLS_KEY',
  token: 'MESHDECK_SIMULATED_TOKEN',
  apiCa: 'MESHDECK_SIMULATED_API_CA',
} as const;
