// The design input flags, a flag group: where a design comes from (-f, repeatable; -R; --name) and the
// limit for fetching a URL (--request-timeout). parse() turns them into a DesignSource, once.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { addRequestTimeoutFlag, parseRequestTimeout } from './cluster.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface DesignInputFlags {
  filename: string[];
  recursive: boolean;
  name?: string;
  requestTimeout: string;
}

/** Where a design comes from: a name in the library, or -f sources; typed and checked. */
export interface DesignSource {
  /** A design from the library (the command's argument). */
  design?: string;
  files: string[];
  recursive: boolean;
  /** --name: names (or renames) the design. */
  rename?: string;
  requestTimeoutMs: number;
}

export function addDesignInputFlags<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return addRequestTimeoutFlag(
    cmd
      .addOption(
        new Option(
          '-f, --filename <source>',
          'file, folder, URL or - (stdin) with manifests or a design; repeatable',
        )
          .argParser(collect)
          .default([] as string[]),
      )
      .addOption(new Option('-R, --recursive', 'read folders given with -f recursively').default(false))
      .addOption(
        new Option('--name <name>', 'name of the design (plain manifests are named after their first file)'),
      ),
    'limit for each request to the cluster or a URL',
  );
}

export function parseDesignInput(design: string | undefined, flags: DesignInputFlags): DesignSource {
  return {
    design,
    files: flags.filename,
    recursive: flags.recursive,
    rename: flags.name,
    requestTimeoutMs: parseRequestTimeout(flags),
  };
}
