import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { minimalKubeconfig } from '../../adapters/kubeconfig.js';
import { OperationError, UsageError, errnoCode } from '../../core/errors.js';
import type { Invocation } from '../shared/invocation.js';
import { deadline, eventLines, parseTimeout, withAdapter } from './common.js';
import { runResultView } from './views.js';

interface RunFlags {
  version?: string;
  delete: boolean;
  filename?: string;
  timeout: string;
}

interface Options {
  name: string;
  operation: string;
  version?: string;
  delete: boolean;
  customBody?: string;
  timeoutMs: number;
}

export function complete(_inv: Invocation, name: string, operation: string, flags: RunFlags): Options {
  return {
    name,
    operation,
    version: flags.version,
    delete: flags.delete,
    customBody: flags.filename === undefined ? undefined : readBody(flags.filename),
    timeoutMs: parseTimeout(flags),
  };
}

export async function run(inv: Invocation, opts: Options): Promise<void> {
  const { name, operation, customBody } = opts;
  const signal = deadline(inv, opts.timeoutMs);
  const { effective } = await inv.context();
  const operationId = randomUUID();
  const outcome = await withAdapter(inv, name, async (adapter) => {
    // Resolved before the adapter is contacted: a bad kubeconfig is the user's to fix, not a wait.
    const cluster = minimalKubeconfig(await inv.factory.clusterTarget());
    inv.log.info(
      `running "${operation}" on adapter "${name}" (operation ${operationId}, namespace ${effective.namespace})`,
    );
    return adapter.apply(
      {
        operation,
        namespace: effective.namespace,
        version: opts.version,
        delete: opts.delete,
        customBody,
        operationId,
        cluster,
      },
      { signal, onEvent: (e) => eventLines(e).forEach((l) => inv.log.info(l)) },
    );
  });
  await inv.out.item(
    { adapter: name, operation, namespace: effective.namespace, delete: opts.delete, outcome },
    runResultView,
  );
  if (!outcome.ok) {
    const last = outcome.events.filter((e) => e.severity === 'error').at(-1);
    throw new OperationError(
      `operation "${operation}" on adapter "${name}" failed: ${outcome.error ?? 'error event'}`,
      {
        hint: last?.suggestedRemediation,
        details: last?.probableCause ? [`probable cause: ${last.probableCause}`] : [],
      },
    );
  }
  inv.log.success(`operation "${operation}" on adapter "${name}" succeeded`);
}

function readBody(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : resolve(file), 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    throw new UsageError(
      code === 'ENOENT'
        ? `-f ${file}: no such file`
        : `-f ${file}: cannot read it (${(err as Error).message})`,
      { hint: 'give the path of a YAML file for the custom operation' },
    );
  }
}
