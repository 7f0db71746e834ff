// `meshdeck design`: named, versioned bundles of Kubernetes objects and mesh components.
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { examples } from '../shared/command.js';
import { addDesignCommands } from './commands.js';
import { addDesignSyncCommands } from './sync-commands.js';

export function designCommand(): CommandUnknownOpts {
  const group = new Command('design').description(
    'designs: named, versioned bundles of Kubernetes objects and mesh settings',
  );
  examples(group, [
    'meshdeck design import -f ./manifests --name shop',
    'meshdeck design apply shop --wait',
    'meshdeck design push web.yaml',
  ]);
  addDesignCommands(group);
  addDesignSyncCommands(group);
  return group;
}
