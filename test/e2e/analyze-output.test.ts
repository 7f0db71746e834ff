// analyze's outputs and controls against files and the sandbox: SARIF validated against the official 2.1.0
// schema (ajv), suppressions by flag and by annotation, --failure-threshold, bad input, and the compliance
// report loaded in real headless chromium.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ajvDraft4 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { renderedDom } from '../helpers/browser.js';
import { CHROMIUM, needPrograms } from '../helpers/programs.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { ClusterHome } from '../helpers/cluster.js';
import { applyMeshCrds, kubectlApply } from '../helpers/meshes.js';

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
  - {name: web, port: 80}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: shop
spec:
  hosts: [web]
  http:
  - route:
    - destination: {host: nowhere}
`;

interface Finding {
  code: string;
  severity: string;
  source?: string;
  object: { kind: string; namespace?: string; name: string };
}

let c: ClusterHome;
let file = '';

before(async () => {
  c = await ClusterHome.start();
  await applyMeshCrds(c, 'istio');
  file = c.file('shop.yaml', MANIFEST);
});

after(async () => {
  await c?.stop();
});

const codes = (stdout: string) =>
  (JSON.parse(stdout) as { findings: Finding[] }).findings.map((f) => f.code).sort();

describe('meshdeck analyze outputs', () => {
  it('SARIF validates against the official 2.1.0 schema and carries rule metadata and regions', async () => {
    const r = await c.meshdeck(['analyze', '-f', file, '--use-cluster=false', '-o', 'sarif'], {
      cwd: join(c.home.root, 'work'),
    });
    assert.equal(r.code, 3, r.stderr);
    const sarif = JSON.parse(r.stdout) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; defaultConfiguration: { level: string } }> } };
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: Array<{
            physicalLocation?: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number };
            };
          }>;
        }>;
      }>;
    };
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'),
    ) as object;
    // CommonJS packages: their module.exports.default is the class and the plugin.
    const ajv = new ajvDraft4.default({ allErrors: true, strict: false });
    ajvFormats.default(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
    // The schema is strict about shape: a broken log must fail it (the validator really validates).
    assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);

    const run0 = sarif.runs[0];
    const rules = run0.tool.driver.rules;
    assert.ok(rules.length >= 25);
    const md0010 = run0.results.find((x) => x.ruleId === 'MD0010');
    assert.ok(md0010);
    assert.equal(rules[md0010.ruleIndex].id, 'MD0010');
    assert.equal(md0010.level, 'error');
    assert.deepEqual(md0010.locations[0].physicalLocation, {
      artifactLocation: { uri: 'shop.yaml' },
      region: { startLine: 26, startColumn: 27 },
    });
    assert.equal(run0.results.find((x) => x.ruleId === 'MD0009')?.level, 'note');
  });

  it('--failure-threshold decides what exits 3', async () => {
    const ok = c.file('info-only.yaml', MANIFEST.split('---\n').slice(1, 2).join(''));
    const info = await c.meshdeck(['analyze', '-f', ok, '--use-cluster=false', '-o', 'json']);
    assert.equal(info.code, 0, info.stderr);
    assert.ok(codes(info.stdout).includes('MD0009'));
    const strict = await c.meshdeck([
      'analyze',
      '-f',
      ok,
      '--use-cluster=false',
      '--failure-threshold',
      'info',
    ]);
    assert.equal(strict.code, 3);
    assert.match(strict.stdout, /MD0009\s+info\s+.*info-only.yaml:9:5/);
  });

  it('--suppress and the annotation silence one finding each, and say so', async () => {
    const all = await c.meshdeck(['analyze', '-f', file, '--use-cluster=false', '-o', 'json']);
    assert.ok(codes(all.stdout).includes('MD0010'));
    const flag = await c.meshdeck([
      'analyze',
      '-f',
      file,
      '--use-cluster=false',
      '-o',
      'json',
      '--suppress',
      'MD0010=VirtualService/shop/web',
    ]);
    assert.equal(flag.code, 0, flag.stderr);
    assert.ok(!codes(flag.stdout).includes('MD0010'));
    assert.deepEqual(
      codes(flag.stdout),
      codes(all.stdout).filter((x) => x !== 'MD0010'),
    );
    assert.match(flag.stderr, /\(1 suppressed\)/);

    const annotated = c.file(
      'annotated.yaml',
      MANIFEST.replace(
        '  name: web\n  namespace: shop\nspec:\n  selector',
        '  name: web\n  namespace: shop\n  annotations: {meshdeck.io/analyze-suppress: "MD0009"}\nspec:\n  selector',
      ),
    );
    const byAnnotation = await c.meshdeck(['analyze', '-f', annotated, '--use-cluster=false', '-o', 'json']);
    assert.deepEqual(
      codes(byAnnotation.stdout),
      codes(all.stdout).filter((x) => x !== 'MD0009'),
    );

    const wildcard = await c.meshdeck([
      'analyze',
      '-f',
      file,
      '--use-cluster=false',
      '-o',
      'json',
      '--suppress',
      '*=*/shop/*',
    ]);
    assert.deepEqual(
      codes(wildcard.stdout).filter((x) => x !== 'MD0001' && x !== 'MD0007'),
      [],
    );
  });

  it('bad input: an unknown code or a malformed manifest is exit 2 with where and a hint', async () => {
    const code = await c.meshdeck([
      'analyze',
      '-f',
      file,
      '--use-cluster=false',
      '--suppress',
      'MD9999=Service/shop/web',
    ]);
    assert.equal(code.code, 2);
    assert.match(code.stderr, /--suppress "MD9999=Service\/shop\/web": no rule has code MD9999/);
    const shape = await c.meshdeck(['analyze', '-f', file, '--use-cluster=false', '--suppress', 'MD0001']);
    assert.equal(shape.code, 2);
    assert.match(shape.stderr, /missing "="/);
    const broken = c.file('broken.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n');
    const r = await c.meshdeck(['analyze', '-f', broken, '--use-cluster=false']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.yaml:\d+:\d+: invalid YAML/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    const report = await c.meshdeck(['analyze', '-f', file, '--use-cluster=false', '--report', 'compliance']);
    assert.equal(report.code, 2);
    assert.match(report.stderr, /add -o html or -o md/);
  });

  it('files are analyzed against the cluster: a host that exists only in the cluster resolves', async () => {
    await kubectlApply(
      c,
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: nowhere, namespace: shop}\nspec:\n  ports: [{name: http, port: 80}]\n',
    );
    const offline = await c.meshdeck(['analyze', '-f', file, '--use-cluster=false', '-o', 'json']);
    assert.ok(codes(offline.stdout).includes('MD0010'));
    const online = await c.meshdeck(['analyze', '-f', file, '-n', 'shop', '-o', 'json']);
    assert.ok(!codes(online.stdout).includes('MD0010'), online.stdout);
    // The finding from the file still has its position; the cluster's copy of the namespace was replaced.
    const md0009 = (JSON.parse(online.stdout) as { findings: Finding[] }).findings.find(
      (f) => f.code === 'MD0009' && f.object.name === 'web',
    );
    assert.equal(md0009?.source, `${file}:15:5`);
  });

  it('the compliance report: markdown, and self-contained HTML that headless chromium loads', async (t) => {
    const md = await c.meshdeck([
      'analyze',
      '-f',
      file,
      '--use-cluster=false',
      '--report',
      'compliance',
      '-o',
      'md',
    ]);
    assert.equal(md.code, 3);
    assert.match(md.stdout, /^# Mesh configuration compliance report/);
    assert.match(md.stdout, /\| Transport encryption \| \d+ \| \d+ \| \d+ \|/);
    assert.match(md.stdout, /- \*\*MD0010\*\* \(error\) .*shop\.yaml:26:27/);

    const out = join(c.home.root, 'work', 'compliance.html');
    // A host the cluster does not have either (an earlier test created "nowhere" there).
    const elsewhere = c.file('elsewhere.yaml', MANIFEST.replace('host: nowhere', 'host: elsewhere'));
    const html = await c.meshdeck([
      'analyze',
      '-A',
      '-f',
      elsewhere,
      '--report',
      'compliance',
      '-o',
      'html',
      '--out',
      out,
    ]);
    assert.equal(html.code, 3, html.stderr);
    assert.match(html.stderr, /wrote .*compliance\.html/);
    const text = readFileSync(out, 'utf8');
    assert.doesNotMatch(
      text,
      /<script|<link|src=|https?:\/\//,
      'self-contained: no scripts, no external resources',
    );
    if (!needPrograms(t, CHROMIUM)) return;
    const dom = await renderedDom(out);
    assert.match(dom, /<h1>Mesh configuration compliance report<\/h1>/);
    for (const control of [
      'transport-encryption',
      'least-privilege',
      'workload-isolation',
      'resilience',
      'observability',
    ]) {
      assert.match(dom, new RegExp(`<tr data-control="${control}">`));
      assert.match(dom, new RegExp(`<section id="${control}">`));
    }
    assert.match(dom, /<tr data-rule="MD0010" data-status="FAILED">/);
    assert.match(dom, /<tr data-rule="MD0003" data-status="PASSED">/);
    assert.match(dom, /Cluster: kube context "meshdeck-sandbox"/);
    assert.match(dom, /<li data-finding="MD0010">/);
  });
  it("design validate fails on the analyzer's errors (exit 3) and design apply warns on stderr", async () => {
    const v = await c.meshdeck(['design', 'validate', '-f', file, '--offline', '-o', 'json']);
    assert.equal(v.code, 3, v.stderr);
    const doc = JSON.parse(v.stdout) as {
      valid: boolean;
      issues: Array<{ rule: string; severity: string; source?: string }>;
    };
    assert.equal(doc.valid, false);
    assert.deepEqual(
      doc.issues.filter((i) => i.rule.startsWith('MD')).map((i) => [i.rule, i.severity, i.source]),
      [['MD0010', 'error', `${file}:26:27`]],
    );
    const clean = c.file(
      'clean.yaml',
      MANIFEST.split('---\n')[1].replace('name: web\n    port', 'name: http-web\n    port'),
    );
    const ok = await c.meshdeck(['design', 'validate', '-f', clean, '--offline']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);

    const apply = await c.meshdeck(['design', 'apply', '-f', file, '--name', 'shop', '--dry-run=server']);
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stderr, /MD0010: .*shop\.yaml:26:27: VirtualService shop\/web routes to nowhere/);
  });
});
