import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSource } from './parse.js';

const twoDocs = `# shop
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
`;

describe('parseSource', () => {
  it('keeps the line and column of every document in a multi-document stream', () => {
    const { docs, issues } = parseSource('app.yaml', twoDocs);
    assert.deepEqual(issues, []);
    assert.equal(docs.length, 2);
    assert.deepEqual(docs[0].origin, { file: 'app.yaml', line: 2, col: 1 });
    assert.deepEqual(docs[1].origin, { file: 'app.yaml', line: 7, col: 1 });
    assert.equal((docs[1].value as { kind: string }).kind, 'Deployment');
  });

  it('locates fields on demand, absolute within the file, and the nearest ancestor of a missing one', () => {
    const { docs } = parseSource('app.yaml', twoDocs);
    assert.deepEqual(docs[1].locate(['metadata', 'labels', 'app']), { file: 'app.yaml', line: 12, col: 10 });
    assert.deepEqual(docs[1].locate(['spec', 'replicas']), { file: 'app.yaml', line: 14, col: 13 });
    // spec.template does not exist: the position of spec's content.
    assert.deepEqual(docs[1].locate(['spec', 'template', 'x']), { file: 'app.yaml', line: 14, col: 3 });
  });

  it('skips empty documents (stray separators, comment-only files)', () => {
    const { docs, issues } = parseSource('x.yaml', '---\n# nothing\n---\n---\na: 1\n---\n');
    assert.deepEqual(issues, []);
    assert.equal(docs.length, 1);
    assert.deepEqual(docs[0].value, { a: 1 });
    assert.equal(docs[0].origin.line, 5);
  });

  it('reports invalid YAML with the line and column of the problem, in any document', () => {
    const text = 'a: 1\n---\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [a, b\n---\nb: 2\n';
    const { docs, issues } = parseSource('bad.yaml', text);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].rule, 'yaml-syntax');
    assert.match(issues[0].message, /^invalid YAML: /);
    assert.equal(issues[0].at?.file, 'bad.yaml');
    assert.ok(issues[0].at.line >= 6 && issues[0].at.line <= 7, `line ${issues[0].at?.line}`);
    // The documents around it still parse.
    assert.deepEqual(
      docs.map((d) => d.value),
      [{ a: 1 }, { b: 2 }],
    );
  });

  it('reports a key written twice in one mapping', () => {
    const { issues } = parseSource('dup.yaml', 'metadata:\n  name: a\n  name: b\n');
    assert.equal(issues.length, 1);
    assert.deepEqual(issues[0].at, { file: 'dup.yaml', line: 3, col: 3 });
    assert.match(issues[0].message, /unique/);
  });

  it('parses JSON (with positions on demand) and falls back to YAML for near-JSON', () => {
    const json = '\n\n  {"apiVersion": "v1",\n   "kind": "ConfigMap",\n   "metadata": {"name": "c"}}';
    const { docs } = parseSource('c.json', json);
    assert.equal(docs.length, 1);
    assert.deepEqual(docs[0].origin, { file: 'c.json', line: 3, col: 3 });
    assert.deepEqual(docs[0].locate(['metadata', 'name']), { file: 'c.json', line: 5, col: 25 });
    const broken = parseSource('b.json', '{"kind": "ConfigMap",\n "metadata": {"name": "x",}\n}');
    assert.equal(broken.issues.length, 1);
    assert.deepEqual(broken.issues[0].at, { file: 'b.json', line: 2, col: 27 });
    assert.equal(broken.issues[0].message, 'invalid JSON: Expected double-quoted property name');
    // Not JSON after all (a YAML flow mapping with a bare word): YAML reads it.
    const lenient = parseSource('f.yaml', '{kind: ConfigMap}');
    assert.deepEqual(lenient.docs[0].value, { kind: 'ConfigMap' });
  });
});
