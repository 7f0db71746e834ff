// YAML output, in its own module so the yaml package is loaded only when -o yaml is asked for. (Dynamic
// import() of a CommonJS package directly loses its named exports in the bundle; import ours instead.)
import { stringify } from 'yaml';

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
