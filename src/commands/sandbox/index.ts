// `meshdeck sandbox`: the embedded simulated Kubernetes cluster, run locally.
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { DATA_FORMATS } from '../../core/output/formats.js';
import { UsageError } from '../../core/errors.js';
import { action, examples, outputs } from '../shared/command.js';

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, got "${value}"`, {
      hint: 'use 0 for any free port',
    });
  return n;
}

export function sandboxCommand(): CommandUnknownOpts {
  const group = new Command('sandbox').description(
    'run the embedded sandbox cluster: a simulated Kubernetes API server on this machine',
  );
  examples(group, [
    'meshdeck sandbox start --detach',
    'kubectl --context meshdeck-sandbox get ns',
    'meshdeck sandbox stop',
  ]);

  const start = action(
    group
      .command('start')
      .description('start the sandbox and add the kubeconfig context "meshdeck-sandbox"; runs until stopped')
      .addOption(
        new Option('--port <port>', 'HTTPS port on 127.0.0.1 (0: any free port)').default(0).argParser(port),
      )
      .addOption(
        new Option('--data-dir <dir>', 'keep objects, CA and credentials in this folder across restarts'),
      )
      .addOption(new Option('--detach', 'run in the background and return once it is ready').default(false)),
    () => import('./start.js'),
  );
  examples(start, [
    'meshdeck sandbox start',
    'meshdeck sandbox start --detach --port 6443 --data-dir ~/.meshdeck-sandbox',
  ]);

  const stop = action(
    group.command('stop').description('stop the running sandbox and remove its kubeconfig context'),
    () => import('./stop.js'),
  );
  examples(stop, ['meshdeck sandbox stop']);

  const status = action(
    group
      .command('status')
      .description(
        'show whether the sandbox runs, where, and whether it is ready (exit 3 when it is not running)',
      ),
    () => import('./status.js'),
  );
  outputs(status, DATA_FORMATS);
  examples(status, ['meshdeck sandbox status', 'meshdeck sandbox status -o json']);

  const kubeconfig = action(
    group
      .command('kubeconfig')
      .description(
        "print the path of the running sandbox's kubeconfig (-o yaml|json: its content, credentials redacted)",
      ),
    () => import('./kubeconfig.js'),
  );
  outputs(kubeconfig, ['table', 'yaml', 'json']);
  examples(kubeconfig, [
    'export KUBECONFIG=$(meshdeck sandbox kubeconfig)',
    'meshdeck sandbox kubeconfig -o yaml',
  ]);
  return group;
}
