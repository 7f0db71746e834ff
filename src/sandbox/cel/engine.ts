// The CEL engine the sandbox evaluates rules with: @bufbuild/cel (the CEL spec's conformance suites for
// the core language pass) with its strings extension and RE2 `matches`, plus the Kubernetes CEL
// libraries CRD rules and admission policies use (lists, regex, url, quantity, ip/cidr, format).
import { celEnv, isCelError, parse, plan, type CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { kubernetesLibrary } from './k8s-library.js';

export interface CelOutcome {
  value?: unknown;
  /** A compile or evaluation error, worded as cel-go words it where the libraries agree. */
  error?: string;
}

export interface CelEngine {
  /** Checks that an expression parses (CRD and policy validation). */
  compileError(expr: string): string | undefined;
  evaluate(expr: string, bindings: Record<string, unknown>): CelOutcome;
}

type Program = (ctx: Record<string, unknown>) => unknown;

export function createEngine(): CelEngine {
  const env = celEnv({ funcs: [...strings, ...kubernetesLibrary()] });
  const programs = new Map<string, Program | string>();
  const compile = (expr: string): Program | string => {
    let p = programs.get(expr);
    if (p === undefined) {
      try {
        p = plan(env, parse(expr)) as Program;
      } catch (err) {
        p = err instanceof Error ? err.message : String(err);
      }
      programs.set(expr, p);
    }
    return p;
  };
  return {
    compileError(expr) {
      const p = compile(expr);
      return typeof p === 'string' ? p : undefined;
    },
    evaluate(expr, bindings) {
      const p = compile(expr);
      if (typeof p === 'string') return { error: `compilation failed: ${p}` };
      try {
        const v = p(bindings);
        if (isCelError(v)) return { error: v.message };
        return { value: fromCel(v as CelValue) };
      } catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

/** CEL results back to JSON-ish values (bigint kept for ints: callers compare with typeof). */
function fromCel(v: CelValue): unknown {
  return v;
}
