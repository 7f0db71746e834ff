// Changes to contexts (create, use, rename, delete), each one locked read-modify-write of the config file.
// The writer (and the YAML library it edits with) is imported only when a change is made.
import { UsageError } from '../errors.js';
import { findContext, unknownContext } from './contexts.js';
import {
  BUILTIN_CONTEXT_NAME,
  contextNameProblem,
  namespaceProblem,
  providerUrlProblem,
  type ContextSpec,
} from './model.js';

export interface NewContext {
  name: string;
  kubeconfig?: string;
  kubeContext?: string;
  sandbox?: boolean;
  providerUrl?: string;
  namespace?: string;
}

export function buildContextSpec(input: NewContext): ContextSpec {
  const problems = [
    contextNameProblem(input.name),
    input.namespace === undefined ? undefined : namespaceProblem(input.namespace),
    input.providerUrl === undefined ? undefined : providerUrlProblem(input.providerUrl),
  ].filter((p): p is string => p !== undefined);
  if (input.sandbox && (input.kubeconfig !== undefined || input.kubeContext !== undefined)) {
    problems.push('--sandbox cannot be combined with --kubeconfig or --kube-context');
  }
  if (problems.length > 0) throw new UsageError(problems[0], { details: problems.slice(1) });
  return {
    name: input.name,
    cluster: input.sandbox ? { sandbox: true } : { kubeconfig: input.kubeconfig, context: input.kubeContext },
    provider: input.providerUrl !== undefined ? { url: input.providerUrl } : { builtin: true },
    namespace: input.namespace ?? 'default',
  };
}

export async function createContext(path: string, spec: ContextSpec, use: boolean): Promise<void> {
  await (
    await writer()
  ).updateConfig(path, (editor, current) => {
    if (findContext(current, spec.name)) {
      throw new UsageError(`context "${spec.name}" already exists`, {
        hint: `pick another name, or delete it first with "meshdeck context delete ${spec.name}"`,
      });
    }
    editor.addContext(spec);
    if (use) editor.setCurrentContext(spec.name);
  });
}

export async function useContext(path: string, name: string): Promise<void> {
  await (
    await writer()
  ).updateConfig(path, (editor, current) => {
    if (!findContext(current, name)) throw unknownContext(current, name);
    editor.setCurrentContext(name);
  });
}

export async function renameContext(path: string, from: string, to: string): Promise<void> {
  await (
    await writer()
  ).updateConfig(path, (editor, current) => {
    if (from === BUILTIN_CONTEXT_NAME) throw builtinUntouchable('renamed');
    if (!findContext(current, from)) throw unknownContext(current, from);
    const problem = contextNameProblem(to);
    if (problem) throw new UsageError(problem);
    if (findContext(current, to)) throw new UsageError(`context "${to}" already exists`);
    editor.renameContext(from, to);
    if (current.currentContext === from) editor.setCurrentContext(to);
  });
}

/** Deletes a context; returns whether it was the current one (which falls back to the built-in). */
export async function deleteContext(path: string, name: string): Promise<boolean> {
  return (await writer()).updateConfig(path, (editor, current) => {
    if (name === BUILTIN_CONTEXT_NAME) throw builtinUntouchable('deleted');
    if (!findContext(current, name)) throw unknownContext(current, name);
    editor.removeContext(name);
    const wasCurrent = current.currentContext === name;
    if (wasCurrent) editor.setCurrentContext(undefined);
    return wasCurrent;
  });
}

function builtinUntouchable(verb: string): UsageError {
  return new UsageError(`the built-in context "${BUILTIN_CONTEXT_NAME}" cannot be ${verb}`, {
    hint: 'create your own context with "meshdeck context create NAME"',
  });
}

function writer() {
  return import('./update.js');
}
