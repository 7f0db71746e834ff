// Designs without a cluster: import into the design library of the built-in provider (plain manifests,
// folders, stdin, URLs, Meshery design files), list and view, offline validation, and every kind of bad
// input refused clearly.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { TestHome } from '../helpers/cli.js';

const home = new TestHome();
const dir = home.mkdir(join(home.root, 'work'));
let server: Server;
let base = '';
const held: Array<() => void> = [];

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/app.yaml') {
      res.setHeader('Content-Type', 'application/yaml');
      res.end('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-url}\ndata: {a: "1"}\n');
    } else {
      held.push(() => res.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const release of held) release();
  server.closeAllConnections();
  server.close();
  await home.run(['provider', 'stop']);
  home.cleanup();
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const shop = write('shop/10-namespace.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n');
write(
  'shop/20-app.yaml',
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
`,
);

describe('design import, list and view', () => {
  it('imports a folder as a design named after it, onto the provider, and lists and shows it', async () => {
    const r = await home.run(['design', 'import', '-f', join(dir, 'shop')], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^NAME\s+VERSION\s+OBJECTS\s+COMPONENTS\s+REVISION\s+UPDATED\nshop\s+0\.0\.1\s+3\s+0\s+1\s+\d{4}-/,
    );
    assert.match(r.stderr, /design "shop" 0\.0\.1 read: 3 objects, 0 components/);
    assert.match(r.stderr, /design "shop" created on the built-in provider \(version 1\)/);
    // The cache is only a copy: without it the design is still there.
    rmSync(home.env.XDG_CACHE_HOME, { recursive: true, force: true });

    const list = await home.run(['design', 'list', '-o', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const doc = JSON.parse(list.stdout);
    assert.equal(doc.kind, 'DesignList');
    assert.deepEqual(
      doc.items.map((d: { metadata: { name: string } }) => d.metadata.name),
      ['shop'],
    );

    const view = await home.run(['design', 'view', 'shop']);
    assert.equal(view.code, 0, view.stderr);
    const design = parse(view.stdout);
    assert.equal(design.apiVersion, 'meshdeck/v1');
    assert.equal(design.kind, 'Design');
    assert.deepEqual(
      design.spec.objects.map((o: { kind: string }) => o.kind),
      ['Namespace', 'Deployment', 'Service'],
    );
  });

  it('imports from stdin (a name is required) and from a URL', async () => {
    const text = readFileSync(shop, 'utf8');
    const unnamed = await home.run(['design', 'import', '-f', '-'], { input: text });
    assert.equal(unnamed.code, 2);
    assert.match(unnamed.stderr, /plain manifests from stdin need a design name/);
    const named = await home.run(['design', 'import', '-f', '-', '--name', 'piped'], { input: text });
    assert.equal(named.code, 0, named.stderr);
    const url = await home.run(['design', 'import', '-f', `${base}/app.yaml`, '-o', 'yaml']);
    assert.equal(url.code, 0, url.stderr);
    const design = parse(url.stdout);
    assert.equal(design.metadata.name, 'app');
    assert.equal(design.spec.objects[0].metadata.name, 'from-url');
  });

  it('converts a Meshery design file, keeping its version and dropping annotation components', async () => {
    const meshery = write(
      'bookinfo.yaml',
      `name: Bookinfo Demo
schemaVersion: designs.meshery.io/v1beta1
version: 0.0.7
id: 8a7f4f0e-3d1c-4c3b-a8a5-2f0d8b1e9c11
components:
  - id: c1
    displayName: details
    component: {version: apps/v1, kind: Deployment}
    configuration:
      metadata: {name: details, namespace: bookinfo}
      spec: {replicas: 1}
  - id: c2
    displayName: a note
    component: {version: v1, kind: Text}
    metadata: {isAnnotation: true}
relationships: []
`,
    );
    const r = await home.run(['design', 'import', '-f', meshery, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const design = JSON.parse(r.stdout);
    assert.deepEqual(design.metadata, {
      name: 'bookinfo-demo',
      version: '0.0.7',
      id: '8a7f4f0e-3d1c-4c3b-a8a5-2f0d8b1e9c11',
      description: 'Bookinfo Demo',
    });
    assert.deepEqual(design.spec.objects, [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'details', namespace: 'bookinfo' },
        spec: { replicas: 1 },
      },
    ]);
    assert.match(r.stderr, /read from a Meshery design: 1 objects/);
  });

  it('says which designs exist when a name is not in the library', async () => {
    const r = await home.run(['design', 'view', 'shopp']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: design "shopp" is not on the built-in provider \(did you mean "shop"\?\)/);
  });

  it('imports a name again as a new revision, and knows when nothing changed', async () => {
    const same = await home.run(['design', 'import', '-f', join(dir, 'shop')]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stderr, /design "shop" is up to date on the built-in provider \(version 1\)/);
    const next = await home.run(['design', 'import', '-f', join(dir, 'shop'), '--design-version', '1.0.0']);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /design "shop" updated on the built-in provider \(version 2\)/);
    const view = await home.run(['design', 'view', 'shop', '-o', 'json']);
    assert.equal(JSON.parse(view.stdout).metadata.version, '1.0.0');
  });
});

describe('design validate (offline)', () => {
  it('passes a valid design with exit 0 and nothing on stdout', async () => {
    const r = await home.run(['design', 'validate', 'shop', '--offline']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /design "shop" 1\.0\.0 \(3 objects, not checked against a cluster\): valid/);
  });

  it('lists every problem with file:line:column and exits 3', async () => {
    const bad = write(
      'bad.yaml',
      `apiVersion: v1
kind: ConfigMap
metadata:
  labels: {a: b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: twice}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: twice}
`,
    );
    const r = await home.run(['design', 'validate', '-f', bad, '--offline', '-o', 'json']);
    assert.equal(r.code, 3, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.valid, false);
    assert.deepEqual(
      report.issues.map((i: { rule: string; source: string }) => [i.rule, i.source]),
      [
        ['missing-name', `${bad}:4:3`],
        ['duplicate-object', `${bad}:10:1`],
      ],
    );
  });
});

describe('bad design input is refused clearly (exit 2, or 1 for the network)', () => {
  it('invalid YAML: the line and column, a code frame, a hint', async () => {
    const broken = write(
      'broken.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: a: b\n',
    );
    const r = await home.run(['design', 'import', '-f', broken]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^error: ${broken}:5:\\d+: invalid YAML: `));
    assert.match(r.stderr, /> 5 \| {3}labels: a: b\n/);
    assert.match(r.stderr, /hint: fix the YAML syntax at that position/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  });

  it('an object with no name, and duplicate objects', async () => {
    const noName = write('noname.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  namespace: a\n');
    const r = await home.run(['design', 'import', '-f', noName]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`error: ${noName}:4:3: this secret has no metadata.name`));
    const dup = write(
      'dup.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
    );
    const d = await home.run(['design', 'import', '-f', dup]);
    assert.equal(d.code, 2);
    assert.match(
      d.stderr,
      new RegExp(`error: ${dup}:5:1: namespace/a is declared twice \\(first at ${dup}:1:1\\)`),
    );
  });

  it('a 50 MB file is refused before it is read', async () => {
    const big = write('big.yaml', '');
    truncateSync(big, 50 * 1000 * 1000);
    const started = Date.now();
    const r = await home.run(['design', 'import', '-f', big]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /big\.yaml is 47\.7 MiB; meshdeck reads design inputs of at most 16\.0 MiB each/);
    assert.ok(Date.now() - started < 10_000);
  });

  it('a URL that does not answer times out as a network failure (exit 1)', async () => {
    const r = await home.run(['design', 'import', '-f', `${base}/hangs.yaml`, '--request-timeout', '1s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`error: fetching ${base}/hangs.yaml timed out after 1s`));
  });

  it('a bad duration or concurrency names the flag', async () => {
    const r = await home.run(['design', 'apply', 'shop', '--timeout', '5']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid --timeout "5": missing unit/);
    const c = await home.run(['design', 'apply', 'shop', '--concurrency', '0']);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /--concurrency "0" must be a whole number from 1 to 256/);
  });
});
