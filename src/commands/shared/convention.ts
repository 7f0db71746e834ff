// The one shape of a command action, after kubectl's Complete/Validate/Run (pkg/cmd/apply/apply.go):
//
//   complete(inv, ...args, flags) -> Options   commander's strings become one typed Options object, once
//                                              (flag groups parse their own flags: see ./flags/)
//   validate(options)                          checks across options; a UsageError (exit 2), before any work
//   run(inv, options)                          the work: calls the domain through inv.factory, prints via
//                                              inv.out / inv.log; returns an exit code or throws
//
// action() (./command.ts) calls the three in this order. Nothing after complete reads commander's values.
import type { Invocation } from './invocation.js';

export interface ActionModule<Args extends unknown[], Options> {
  /** Turns the positional arguments and commander's option values into typed Options. */
  complete(inv: Invocation, ...args: Args): Options | Promise<Options>;
  /** Usage errors that need more than one option; throws UsageError. Optional. */
  validate?(options: Options): void;
  /** Does the work. */
  run(inv: Invocation, options: Options): Promise<number | void>;
}

/** For actions with nothing to complete: their Options are the empty object. */
export function noOptions(): Record<string, never> {
  return {};
}
