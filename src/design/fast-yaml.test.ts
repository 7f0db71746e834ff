// Differential test of the fast reader against the yaml package, the parser it stands in for: on
// generated documents (random values written in every scalar and collection style the yaml package
// emits, and written raw, unquoted, to test how plain scalars resolve) and on hand-picked tricky inputs.
// Whatever the fast reader returns must be exactly what the yaml package reads; whatever the yaml package
// rejects, the fast reader must give up on (so the full parser reports it, with its position).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Scalar, isScalar, parseAllDocuments, stringify, type ToStringOptions } from 'yaml';
import { readPlainYaml } from './fast-yaml.js';
import { parseFullYaml, parseSource, type FieldPath } from './parse.js';

interface Verdict {
  read: boolean;
}

/** Compares the fast reader with the yaml package on one text; tells whether the fast reader read it. */
function agree(text: string): Verdict {
  const full = parseAllDocuments(text);
  const docs = Array.isArray(full) ? full : [];
  const fast = readPlainYaml(text);
  const invalid = !Array.isArray(full) || docs.some((d) => d.errors.length > 0);
  if (invalid) {
    assert.equal(fast, undefined, `the fast reader read invalid YAML:\n${text}`);
    return { read: false };
  }
  if (!fast) return { read: false };
  const present = docs.filter(
    (d) => !(d.contents === null || (isScalar(d.contents) && d.contents.value === null)),
  );
  const expected = present.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  const actual = fast.docs.map((d) => d.value);
  const context = `for:\n${text}`;
  assert.deepStrictEqual(actual, expected, context);
  // deepStrictEqual ignores key order; the order of keys is what a user wrote, so it must agree too.
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), context);
  assert.deepEqual(
    fast.docs.map((d) => d.contentStart),
    present.map((d) => d.contents!.range[0]),
    `document positions ${context}`,
  );
  samePositions(text, actual);
  return { read: true };
}

/** A small deterministic generator (mulberry32), so a failure can be reproduced from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Strings that mean something else when written plain, or that need quoting, escaping or a block.
const TRICKY_STRINGS = [
  'web',
  'registry.example.com/app:1.2',
  'true',
  'True',
  'TRUE',
  'tRue',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'null',
  'Null',
  'NULL',
  '~',
  '',
  ' ',
  '0',
  '-0',
  '007',
  '0o17',
  '0o8',
  '0x1F',
  '0xg',
  '0b101',
  '1e3',
  '1E-3',
  '1.5',
  '.5',
  '5.',
  '-.inf',
  '.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  'nan',
  '+12',
  '-12',
  '1_000',
  '1,000',
  '12:30',
  '12:30:00',
  '2024-01-01',
  '2024-01-01T10:00:00Z',
  'a: b',
  'a:b',
  'a #b',
  'a#b',
  '#x',
  '- x',
  '-x',
  '-',
  'key:',
  'http://x:80/p?q=1#f',
  '*a',
  '&a',
  '!t',
  '!!str',
  '"q"',
  "it's",
  "'",
  '"',
  ' lead',
  'trail ',
  'multi\nline',
  'two\n\nbreaks\n',
  'end\n',
  'tab\there',
  'unicode é ✓ 𝄞',
  '\\back\\slash',
  '{}',
  '[]',
  '{a: 1}',
  '[1, 2]',
  '?',
  '? x',
  'x?',
  ':',
  ': x',
  '%p',
  '@x',
  '`x',
  '<<',
  '|',
  '>',
  'a,b,c',
  '100m',
  '64Mi',
  '1.25.0',
  'v1',
  '=',
  '...',
  '---',
  '--- x',
  'line\r\nbreak',
  '\u0085',
  '\u2028',
  'ctl\u0001',
  'bell\u0007',
  'a  b',
  ' # c',
  'a # b # c',
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

function scalar(rand: () => number): unknown {
  const r = rand();
  if (r < 0.55) return pick(rand, TRICKY_STRINGS);
  if (r < 0.65) return Math.floor(rand() * 10_000) - 100;
  if (r < 0.7) return Math.round(rand() * 1e6) / 1e3;
  if (r < 0.78) return rand() < 0.5;
  if (r < 0.82) return null;
  if (r < 0.86) return -0;
  return `s${Math.floor(rand() * 1e6).toString(36)}`;
}

function key(rand: () => number): string {
  return rand() < 0.7
    ? pick(rand, ['name', 'app', 'a', 'b', 'metadata', 'spec', 'x-y', 'app.kubernetes.io/name', 'port']) +
        (rand() < 0.3 ? String(Math.floor(rand() * 9)) : '')
    : String(pick(rand, TRICKY_STRINGS));
}

function value(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 3 || r < 0.45) return scalar(rand);
  if (r < 0.75) {
    const out: Record<string, unknown> = {};
    const n = Math.floor(rand() * 5);
    for (let i = 0; i < n; i++) out[key(rand)] = value(rand, depth + 1);
    return out;
  }
  return Array.from({ length: Math.floor(rand() * 4) }, () => value(rand, depth + 1));
}

function topLevel(rand: () => number): unknown {
  const out: Record<string, unknown> = { apiVersion: 'v1', kind: 'ConfigMap' };
  const n = 1 + Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) out[key(rand)] = value(rand, 1);
  return rand() < 0.1 ? [out, value(rand, 1)] : out;
}

const STYLES: ToStringOptions[] = [
  {},
  { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' },
  { defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' },
  { defaultStringType: 'BLOCK_LITERAL' },
  { indentSeq: false },
  { indent: 4 },
  { lineWidth: 20, minContentWidth: 0 },
  { collectionStyle: 'flow' },
  { nullStr: '~', trueStr: 'True', falseStr: 'FALSE' },
];

/** Writes a value as block YAML with every scalar raw, as a person might type it (often not meaning it). */
function writeRaw(v: unknown, indent: string, rand: () => number): string {
  const text = (s: unknown) => (typeof s === 'string' ? s.replace(/\n/g, ' ') : String(s));
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []\n';
    return `\n${v.map((item) => `${indent}-${writeRaw(item, `${indent}  `, rand)}`).join('')}`;
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    if (entries.length === 0) return ' {}\n';
    const comment = rand() < 0.1 ? '  # note' : '';
    return `${comment}\n${entries.map(([k, item]) => `${indent}${text(k)}:${writeRaw(item, `${indent}  `, rand)}`).join('')}`;
  }
  return ` ${text(v)}${rand() < 0.05 ? ' # why' : ''}\n`;
}

/** Every path in a value, and one past each collection (a field that is not there). */
function pathsOf(value: unknown, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
    out.push([...prefix, value.length]);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
    out.push([...prefix, 'not-there', 'deeper']);
  }
  return out;
}

/** The fast locator puts every field (present or not) where the full parser does. */
function samePositions(text: string, values: unknown[]): void {
  const fast = parseSource('t.yaml', text).docs;
  const full = parseFullYaml('t.yaml', text).docs;
  values.forEach((value, i) => {
    for (const path of pathsOf(value)) {
      assert.deepEqual(fast[i].locate(path), full[i].locate(path), `${path.join('.')} in:\n${text}`);
    }
  });
}

describe('readPlainYaml agrees with the yaml package', () => {
  it('on generated documents in every style the yaml package writes', () => {
    const rand = random(20261121);
    let read = 0;
    let total = 0;
    for (let i = 0; i < 250; i++) {
      const docs = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => topLevel(rand));
      for (const style of STYLES) {
        const text = docs.map((d) => stringify(d, style)).join(rand() < 0.5 ? '---\n' : '--- # next\n\n');
        total++;
        if (agree(text).read) read++;
      }
    }
    // The reader must cover the common styles, or it is not worth having: most texts are read.
    assert.ok(read > total * 0.5, `read ${read} of ${total}`);
  });

  it('on generated documents with raw, unquoted scalars', () => {
    const rand = random(7);
    let read = 0;
    const total = 1500;
    for (let i = 0; i < total; i++) {
      const body = writeRaw(topLevel(rand), '', rand);
      if (agree(body.startsWith('\n') ? body.slice(1) : `a:${body}`).read) read++;
    }
    assert.ok(read > total * 0.2, `read ${read} of ${total}`);
  });

  it('on every tricky string as a value, a key and a sequence item, plain, quoted and escaped', () => {
    for (const s of TRICKY_STRINGS) {
      const single = `'${s.replace(/'/g, "''")}'`;
      const double = JSON.stringify(s);
      for (const written of [s, single, double]) {
        agree(`k: ${written}\n`);
        agree(`${written}: v\n`);
        agree(`- ${written}\n`);
        agree(`a:\n  - ${written}  # c\n`);
        agree(`a:\n- b: ${written}\n  c: d\n`);
      }
      agree(`k: ${new Scalar(s).toString()}\n`);
    }
  });

  it('on hand-picked inputs: comments, blocks, indentation, separators, and invalid YAML', () => {
    const inputs = [
      'a: 1\n',
      '# top\na: 1 # one\n# between\nb:   two   # two\n',
      'a:\n  b:\n    c: d\n  e: f\ng: h\n',
      'a:\n- x\n- y\nb: z\n',
      'a:\n  - x\n  -   y\n',
      '- - a\n  - b\n- - c\n',
      '- a: 1\n  b: 2\n- c: 3\n',
      '-   a: 1\n    b: 2\n',
      '- a:\n  - x\n',
      '-\n  a: 1\n',
      '- \n- x\n',
      'a:\nb:\n',
      'a: ~\nb: null\nc:\n',
      'a: {}\nb: []\nc: {} # e\n',
      'a: { }\n',
      'a: [x]\n',
      'a: |\n  line 1\n  line 2\nb: c\n',
      'a: |-\n  keep\n\n  gap\n\n\nb: c\n',
      'a: |+\n  keep\n\n\nb: c\n',
      'a: |+\n  keep\n\n',
      'a: |\n    deeper\n  shallower\n',
      'a: |\n\n  after blank\n',
      'a: |\n  x\n   \n  y\n',
      'a: |2\n   two\n',
      'a: >\n  folded\n  text\n',
      'a: |\nb: c\n',
      'a: |  # comment\n  x\n',
      'a: multi\n  line plain\n',
      'a: "multi\n  line quoted"\n',
      "a: 'it''s'\n",
      'a: "\\u00e9\\x41\\t\\"\\\\ \\N\\_\\L\\P\\/"\n',
      'a: "\\U0001F600"\n',
      'a: "\\q"\n',
      'a: "\\u12"\n',
      '"quoted key": 1\n',
      "'single key': 1\n",
      '"a": 1\n"a": 2\n',
      'a: 1\na: 2\n',
      'a b: c\n',
      'a:b: c\n',
      'http://x: y\n',
      'a: b: c\n',
      'a: - x\n',
      '? a\n: b\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      '<<: {a: 1}\n',
      '1: one\n',
      'true: yes\n',
      '~: x\n',
      '__proto__: x\n',
      'a: 1\n...\n',
      '%YAML 1.2\n---\na: 1\n',
      '--- a: 1\n',
      '--- |\n  x\n',
      '---\n---\n# only comments\n---\na: 1\n---\n',
      '---\na: 1\n--- # c\nb: 2\n',
      '----\na: 1\n',
      'a: 1\r\nb: 2\r\n',
      'a:\t1\n',
      '\ufeffa: 1\n',
      'a: 1   \nb: 2 \n',
      '  a: 1\n  b: 2\n',
      '  a: 1\n b: 2\n',
      'a: 1\n  b: 2\n',
      'a:\n  b: 1\n c: 2\n',
      'a: [\n',
      "a: 'unclosed\n",
      'a: "unclosed\n',
      'a: "x" y\n',
      "a: 'x' # c\n",
      'a: x #c\n',
      'a: x# c\n',
      'a: #c\n',
      '- a\nb: c\n',
      'a: 1\n- b\n',
      'scalar\n',
      '"just a string"\n',
      '[1, 2]\n',
      '- 1\n- 2\n',
      '',
      '\n\n',
      '# nothing\n',
      'a: 0o17\nb: 0x1f\nc: 1e3\nd: .5\ne: -.inf\nf: .nan\ng: +1\nh: -0\ni: 0.0\nj: 1_000\nk: 017\n',
      'a: 12345678901234567890\n',
      'a: 0x1234567890abcdef12\n',
      'a: 1.0e+400\n',
      'a:  \n  b: 1\n',
      'a:\n\n  b: 1\n',
      'a:\n  # c\n  b: 1\n',
      'a:\n# c at column 0\n  b: 1\n',
    ];
    let read = 0;
    for (const text of inputs) if (agree(text).read) read++;
    assert.ok(read > inputs.length / 3, `read ${read} of ${inputs.length}`);
  });

  it('reads a manifest stream of a thousand objects, which is what it is for', () => {
    const doc = (i: number) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\n  labels:\n    app: app-${i}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/app:1.${i}\n          env:\n            - name: INDEX\n              value: "${i}"\n`;
    const text = Array.from({ length: 1000 }, (_, i) => doc(i)).join('---\n');
    assert.deepEqual(agree(text), { read: true });
  });
});

describe('parseSource with the fast reader', () => {
  it('gives the same documents, origins and field positions as the full parser', () => {
    const text =
      '# shop\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: web\n---\n\napiVersion: v1\nkind: Service\nmetadata:\n  name: "b"\nspec:\n  ports:\n    - port: 80\n';
    assert.ok(readPlainYaml(text), 'the fast reader reads this text');
    // A flow mapping somewhere makes the fast reader give up: the same content through the full parser.
    const viaFull = `${text}---\nx: {a: 1}\n`;
    assert.equal(readPlainYaml(viaFull), undefined);
    const fast = parseSource('a.yaml', text);
    const full = parseSource('a.yaml', viaFull);
    assert.deepEqual(
      fast.docs.map((d) => d.value),
      full.docs.slice(0, 2).map((d) => d.value),
    );
    assert.deepEqual(
      fast.docs.map((d) => d.origin),
      full.docs.slice(0, 2).map((d) => d.origin),
    );
    for (const path of [
      ['metadata', 'labels', 'app'],
      ['spec', 'ports', 0, 'port'],
      ['metadata', 'missing'],
    ]) {
      assert.deepEqual(fast.docs[1].locate(path), full.docs[1].locate(path), path.join('.'));
    }
    assert.deepEqual(fast.docs[1].locate(['spec', 'ports', 0, 'port']), {
      file: 'a.yaml',
      line: 16,
      col: 13,
    });
  });

  it('leaves invalid YAML to the full parser, which says where it is broken', () => {
    const { docs, issues } = parseSource('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\n---\na: 1\n  b: 2\n');
    assert.equal(docs.length, 1);
    assert.equal(issues.length > 0, true);
    assert.equal(issues[0].rule, 'yaml-syntax');
    assert.deepEqual(issues[0].at, { file: 'bad.yaml', line: 4, col: 4 });
  });
});
