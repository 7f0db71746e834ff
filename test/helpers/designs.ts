// Small meshdeck designs for tests: one ConfigMap whose data stands for the design's content, so a test
// can change a value and read it back from whatever the provider or the cluster returns.

/** A meshdeck/v1 Design holding ConfigMap `name` with this data, as YAML. */
export function configDesign(name: string, data: Record<string, string>, version = '0.0.1'): string {
  const entries = Object.entries(data)
    .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}`)
    .join('\n');
  return `apiVersion: meshdeck/v1
kind: Design
metadata:
  name: ${name}
  version: ${version}
spec:
  objects:
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: ${name}
      data:
${entries || '          {}'}
`;
}

/** The ConfigMap data of a design document made by configDesign. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read parsed JSON and YAML
export function configOf(design: any): Record<string, string> {
  return design.spec.objects[0].data;
}

/**
 * "Billion laughs": top-level keys a..i, each an anchored list of nine aliases of the one before, so that
 * expanding `i` builds 9^9 strings. YAML lines to append to a mapping.
 */
export function billionLaughs(): string {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${levels.join('\n')}\n`;
}
