// The sandbox's public surface: start one in-process, or find the one `meshdeck sandbox start` runs.
export {
  startSandbox,
  type FaultInfo,
  type FaultSpec,
  type Identity,
  type ProcessInfo,
  type RequestRecord,
  type Sandbox,
  type SandboxOptions,
} from './boot/sandbox.js';
export { findRunningSandbox, findSandboxKubeconfig, sandboxPaths, type SandboxState } from './local/state.js';
export { SANDBOX_CONTEXT } from './boot/kubeconfig.js';
