// The import rules of docs/development.md, checked by lint rather than only written down. Each relative
// import is resolved to the file it names, and that file's folder must be one the importer's zone may use.
// (A table of zones keeps the rules in one place; eslint's no-restricted-imports matches specifier text,
// which cannot tell '../k8s/x.js' in src/perf from the same text elsewhere.)
import path from 'node:path';

/**
 * The zones, first match wins. `may` lists the folders (under the repository root) a zone may import
 * besides its own; `only` makes that list exhaustive, otherwise `never` lists what it must not import.
 */
export const ZONES = [
  { zone: 'src/core', only: true, may: [] },
  { zone: 'src/kube', only: true, may: ['src/core'] },
  { zone: 'src/local', only: true, may: ['src/core'] },
  // The sandbox's local/ part runs it as a background service through src/local.
  { zone: 'src/sandbox', only: true, may: ['src/core', 'src/kube', 'src/local'] },
  { zone: 'src/design', only: true, may: ['src/core', 'src/kube'] },
  {
    zone: 'src/perf',
    never: [
      'src/commands',
      'src/k8s',
      'src/kube',
      'src/provider',
      'src/sandbox',
      'src/adapters',
      'src/checks',
    ],
    why: 'perf knows nothing of Kubernetes or the provider: it owns interfaces that others plug into',
  },
  { zone: 'src/provider/protocol', never: ['src/commands', 'src/provider/client', 'src/provider/server'] },
  { zone: 'src/provider/server', never: ['src/commands', 'src/provider/client', 'src/k8s', 'src/sandbox'] },
  { zone: 'src/provider/client', never: ['src/commands', 'src/provider/server', 'src/k8s', 'src/sandbox'] },
  { zone: 'src/k8s', never: ['src/commands', 'src/provider', 'src/perf', 'src/sandbox', 'src/adapters'] },
  {
    zone: 'src/tui',
    never: ['src/commands', 'src/sandbox', 'src/local'],
    why: 'the TUI renders domain state; `meshdeck dashboard` wires it to the world through the factory',
  },
  { zone: 'src/commands', never: [] },
  { zone: 'src/main.ts', never: [] },
  { zone: 'src', never: ['src/commands'], why: 'domains never import commands' },
  { zone: 'test', never: [] },
  { zone: 'bench', never: [] },
];

/** The sandbox is a server of its own: from outside, it is reached only through its index. */
const SANDBOX = 'src/sandbox';
const SANDBOX_DOOR = 'src/sandbox/index.ts';

function within(file, folder) {
  return file === folder || file.startsWith(`${folder}/`) || file === `${folder}.ts`;
}

function zoneOf(file) {
  return ZONES.find((z) => within(file, z.zone));
}

/** What is wrong with `from` importing `to` (both relative to the root), or undefined. */
export function violation(from, to) {
  if (!within(from, SANDBOX) && within(to, SANDBOX) && to !== SANDBOX_DOOR && !from.startsWith('test/')) {
    return `${from} reaches into the sandbox past its index: import from ${SANDBOX_DOOR}`;
  }
  const zone = zoneOf(from);
  if (!zone) return undefined;
  const reason = zone.why ? ` (${zone.why})` : '';
  if (zone.only) {
    if (within(to, zone.zone) || zone.may.some((m) => within(to, m))) return undefined;
    return `${zone.zone} may import only ${[zone.zone, ...zone.may].join(', ')}, not ${to}${reason}`;
  }
  const banned = zone.never.find((n) => within(to, n));
  return banned ? `${zone.zone} must not import ${banned} (${to})${reason}` : undefined;
}

/** The source file a relative specifier names: '.js' in NodeNext specifiers stands for .ts or .tsx. */
function target(root, importer, specifier) {
  const absolute = path.resolve(path.dirname(importer), specifier);
  return path.relative(root, absolute).split(path.sep).join('/').replace(/\.js$/, '.ts');
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the layering of docs/development.md' },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const from = path.relative(root, context.filename).split(path.sep).join('/');
    const check = (node, source) => {
      const specifier = source?.value;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const to = target(root, context.filename, specifier).replace(/\.tsx$/, '.ts');
      const problem = violation(from, to.endsWith('.ts') ? to : `${to}`);
      if (problem) context.report({ node: source, message: problem });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : undefined),
    };
  },
};

export default { meta: { name: 'meshdeck-boundaries' }, rules: { layers: rule } };
