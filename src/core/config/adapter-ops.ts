// Recording external mesh adapters in a context (`meshdeck adapter add/remove`): locked read-modify-write
// of the config file, like every other change to it.
import { UsageError } from '../errors.js';
import { didYouMean } from '../suggest.js';
import { findContext, unknownContext } from './contexts.js';
import { adapterAddressProblem, adapterNameProblem, type AdapterRef } from './model.js';

/** Adds the adapter to the context; refuses a name the context already has. */
export async function addAdapterToContext(path: string, context: string, adapter: AdapterRef): Promise<void> {
  const problems = [adapterNameProblem(adapter.name), adapterAddressProblem(adapter.address)].filter(
    (p): p is string => p !== undefined,
  );
  if (problems.length > 0) {
    throw new UsageError(problems[0], {
      details: problems.slice(1),
      hint: 'e.g. meshdeck adapter add istio --address localhost:10000',
    });
  }
  const { updateConfig } = await import('./update.js');
  await updateConfig(path, (editor, current) => {
    const spec = findContext(current, context);
    if (!spec) throw unknownContext(current, context);
    const existing = spec.adapters?.find((a) => a.name === adapter.name);
    if (existing) {
      throw new UsageError(
        `context "${context}" already has an adapter "${adapter.name}" (${existing.address})`,
        {
          hint: `remove it first with "meshdeck adapter remove ${adapter.name}", or pick another name`,
        },
      );
    }
    editor.addAdapter(context, adapter);
  });
}

/** Removes the adapter from the context; returns what was removed. */
export async function removeAdapterFromContext(
  path: string,
  context: string,
  name: string,
): Promise<AdapterRef> {
  const { updateConfig } = await import('./update.js');
  return updateConfig(path, (editor, current) => {
    const spec = findContext(current, context);
    if (!spec) throw unknownContext(current, context);
    const adapter = spec.adapters?.find((a) => a.name === name);
    if (!adapter || !editor.removeAdapter(context, name)) {
      const names = (spec.adapters ?? []).map((a) => a.name);
      throw new UsageError(
        `context "${context}" has no external adapter "${name}"${didYouMean(name, names)}`,
        {
          hint: names.length ? `its external adapters: ${names.join(', ')}` : 'see "meshdeck adapter list"',
        },
      );
    }
    return adapter;
  });
}
