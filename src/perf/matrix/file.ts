// The matrix file of `perf matrix -f`: the same load against the same app (a Service, by name) in several
// namespaces, each a configuration (no mesh, a mesh injected, ...), the first being the baseline. Every
// problem names file:line:column and the field. The load settings are kept as the flags spell them
// (rate: "2k", duration: 30s) so the command parses them with the flags' own parser.
import { LineCounter, parseDocument, type Node } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { codeFrame, location } from '../../core/output/frame.js';

export interface MatrixConfiguration {
  name: string;
  namespace: string;
  /** The mesh whose sidecar the app's pods should carry there (checked, for a clear warning). */
  mesh?: string;
}

export interface MatrixSpec {
  name: string;
  target: { service: string; port?: string; path: string };
  /** A saved profile the load starts from. */
  profile?: string;
  /** Load settings as flags spell them: rate, duration, connections, requests, warmup, timeout. */
  load: Record<string, string>;
  assert: string[];
  replicas?: string;
  configurations: MatrixConfiguration[];
}

export const LOAD_KEYS = ['rate', 'duration', 'connections', 'requests', 'warmup', 'timeout', 'method'];
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type Path = Array<string | number>;

export function parseMatrixFile(source: string, file: string): MatrixSpec {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = lines.linePos(e.pos[0]);
    throw new UsageError(`${location(file, line, col)}: not valid YAML: ${e.message.split('\n')[0]}`, {
      details: codeFrame(source, line, col),
      hint: 'fix the syntax (see docs/perf.md, "Comparing configurations")',
    });
  }
  const fail = (path: Path, reason: string): never => {
    let p = path;
    let node = doc.getIn(p, true) as Node | undefined;
    while (!node?.range && p.length > 0) {
      p = p.slice(0, -1);
      node = doc.getIn(p, true) as Node | undefined;
    }
    const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
    const field = path.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join('');
    throw new UsageError(`${location(file, pos?.line, pos?.col)}: ${field || '(top)'}: ${reason}`, {
      ...(pos ? { details: codeFrame(source, pos.line, pos.col) } : {}),
      hint: 'see docs/perf.md, "Comparing configurations", for the format',
    });
  };
  const value = (path: Path): unknown => {
    const n = doc.getIn(path, true) as { toJSON?: () => unknown } | undefined;
    return n?.toJSON ? n.toJSON() : n;
  };
  const str = (path: Path, required = false): string | undefined => {
    const v = value(path);
    if (v === undefined || v === null) return required ? fail(path, 'required') : undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    return fail(path, 'expected a string');
  };
  const kind = str(['kind']);
  if (kind !== undefined && kind !== 'PerfMatrix') fail(['kind'], `expected PerfMatrix, not ${kind}`);
  const s = ['spec'];
  const load: Record<string, string> = {};
  const loadValue = value([...s, 'load']);
  if (
    loadValue !== undefined &&
    (typeof loadValue !== 'object' || loadValue === null || Array.isArray(loadValue))
  )
    fail([...s, 'load'], 'expected a map (rate, duration, connections, ...)');
  for (const key of Object.keys((loadValue as Record<string, unknown>) ?? {})) {
    if (!LOAD_KEYS.includes(key))
      fail([...s, 'load', key], `unknown setting; one of ${LOAD_KEYS.join(', ')}`);
    load[key] = str([...s, 'load', key], true)!;
  }
  const asserts = value([...s, 'assert']) ?? [];
  if (!Array.isArray(asserts) || asserts.some((a) => typeof a !== 'string'))
    fail([...s, 'assert'], 'expected a list of gates, e.g. ["p99<=50ms"]');
  const configs = value([...s, 'configurations']);
  if (!Array.isArray(configs) || configs.length < 2)
    fail(
      [...s, 'configurations'],
      'expected a list of at least two configurations (the first is the baseline)',
    );
  const configurations = (configs as unknown[]).map((_, i): MatrixConfiguration => {
    const at = [...s, 'configurations', i];
    const name = str([...at, 'name'], true)!;
    const namespace = str([...at, 'namespace'], true)!;
    if (!NAME.test(namespace)) fail([...at, 'namespace'], `"${namespace}" is not a namespace name`);
    const mesh = str([...at, 'mesh']);
    return { name, namespace, ...(mesh ? { mesh } : {}) };
  });
  const seen = new Set<string>();
  configurations.forEach((cfg, i) => {
    if (seen.has(cfg.name)) fail([...s, 'configurations', i, 'name'], `"${cfg.name}" is used twice`);
    seen.add(cfg.name);
  });
  return {
    name: str(['metadata', 'name']) ?? 'matrix',
    target: {
      service: str([...s, 'target', 'service'], true)!,
      port: str([...s, 'target', 'port']),
      path: str([...s, 'target', 'path']) ?? '/',
    },
    profile: str([...s, 'profile']),
    load,
    assert: asserts as string[],
    replicas: str([...s, 'replicas']),
    configurations,
  };
}
