// YAML reading in its own module, so the yaml package loads only when a YAML result file is read.
import { parse } from 'yaml';

export function parseYaml(text: string): unknown {
  return parse(text);
}
