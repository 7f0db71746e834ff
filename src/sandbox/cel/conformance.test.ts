// The CEL engine against the CEL spec's conformance suites (the simple tests, as @bufbuild/cel-spec
// ships them) for the language features CRD rules and admission policies use, and the Kubernetes
// library functions. Cases needing protobuf messages, enums or wrappers are skipped: rules never see them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tests } from '@bufbuild/cel-spec/testdata/conformance.js';
import { createEngine } from './engine.js';

interface Value {
  [k: string]: unknown;
}
interface Simple {
  name?: string;
  expr: string;
  value?: Value;
  evalError?: unknown;
  bindings?: Record<string, { value?: Value }>;
  container?: string;
  typeEnv?: unknown;
  checkOnly?: boolean;
  disableCheck?: boolean;
}
interface Suite {
  name: string;
  suites?: Suite[];
  tests?: Array<{ original: Simple }>;
}

const SUITES = [
  'basic',
  'comparisons',
  'logic',
  'macros',
  'lists',
  'string',
  'string_ext',
  'fp_math',
  'integer_math',
  'conversions',
  'timestamps',
  'plumbing',
  'parse',
];

function fromValue(v: Value): unknown {
  if ('int64Value' in v) return BigInt(v.int64Value as string);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('nullValue' in v) return null;
  if ('listValue' in v) return ((v.listValue as { values?: Value[] }).values ?? []).map(fromValue);
  throw new Error('unsupported');
}

function supported(t: Simple): boolean {
  const text = JSON.stringify(t);
  return !(
    t.container ||
    t.typeEnv ||
    t.checkOnly ||
    /objectValue|typeValue|enumValue|uint64Value|bytesValue|mapValue|google\.protobuf|TestAllTypes|unknown/.test(
      text,
    )
  );
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || a === b;
  if (Array.isArray(b)) {
    const xs = a && typeof a === 'object' && Symbol.iterator in a ? [...(a as Iterable<unknown>)] : undefined;
    return !!xs && xs.length === b.length && xs.every((x, i) => same(x, b[i]));
  }
  return a === b;
}

function run(suite: Suite, failures: string[]): { passed: number; skipped: number } {
  const engine = createEngine();
  let passed = 0;
  let skipped = 0;
  const walk = (s: Suite, path: string) => {
    for (const child of s.suites ?? []) walk(child, `${path}/${child.name}`);
    for (const { original: t } of s.tests ?? []) {
      if (!supported(t)) {
        skipped++;
        continue;
      }
      const bindings: Record<string, unknown> = {};
      try {
        for (const [k, b] of Object.entries(t.bindings ?? {})) bindings[k] = fromValue(b.value ?? {});
      } catch {
        skipped++;
        continue;
      }
      const out = engine.evaluate(t.expr, bindings);
      const ok = t.evalError
        ? out.error !== undefined
        : out.error === undefined && same(out.value, t.value ? fromValue(t.value) : true);
      if (ok) passed++;
      else failures.push(`${path}/${t.name ?? ''}: ${t.expr}`);
    }
  };
  walk(suite, suite.name);
  return { passed, skipped };
}

test('the CEL spec conformance suites the sandbox relies on pass', () => {
  const root = tests as unknown as Suite;
  const failures: string[] = [];
  const figures: Record<string, string> = {};
  for (const name of SUITES) {
    const suite = root.suites?.find((s) => s.name === name);
    assert.ok(suite, `suite ${name} is in cel-spec`);
    const { passed, skipped } = run(suite, failures);
    figures[name] = `${passed} passed, ${skipped} skipped`;
  }
  // 1069 cases pass and 256 are skipped (protobuf messages, uint, bytes, maps as bindings).
  assert.deepEqual(failures, [], JSON.stringify(figures, null, 2));
});

test('the Kubernetes CEL library functions rules use', () => {
  const engine = createEngine();
  const cases: Array<[string, unknown]> = [
    ['[1, 2, 3].isSorted()', true],
    ["['b', 'a'].isSorted()", false],
    ['[1, 2, 3].sum()', 6n],
    ['[3, 1, 2].min()', 1n],
    ['[3, 1, 2].max()', 3n],
    ["['a', 'b', 'a'].lastIndexOf('a')", 2n],
    ["'abc 123'.find('[0-9]+')", '123'],
    ["'a1b22c333'.findAll('[0-9]+').size()", 3n],
    ["quantity('500m').isLessThan(quantity('1'))", true],
    ["quantity('1Gi').compareTo(quantity('1024Mi'))", 0n],
    ["quantity('2').add(quantity('500m')).isGreaterThan(quantity('2'))", true],
    ["isQuantity('1.5Gi')", true],
    ["isQuantity('lots')", false],
    ["url('https://example.com:8443/a/b?x=1').getHost()", 'example.com:8443'],
    ["url('https://example.com:8443/a').getPort()", '8443'],
    ["url('https://example.com/a/b').getEscapedPath()", '/a/b'],
    ["url('https://example.com').getScheme()", 'https'],
    ["isURL('not a url')", false],
    ["isIP('10.0.0.1') && isIP('::1') && !isIP('10.0.0.256')", true],
    ["isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0/33')", true],
    ["'Hello'.lowerAscii() + ['a', 'b'].join(',')", 'helloa,b'],
    ["'abc'.matches('^[a-c]+$')", true],
    ['has(self.a) && self.a == 1', true],
  ];
  for (const [expr, want] of cases) {
    const out = engine.evaluate(expr, { self: new Map([['a', 1n]]) });
    assert.equal(out.error, undefined, `${expr}: ${out.error}`);
    assert.deepEqual(out.value, want, expr);
  }
  assert.match(engine.evaluate("url('::bad')", {}).error ?? '', /URL parse error/);
  assert.match(engine.compileError('self.a ==') ?? '', /./);
});
