import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allContexts } from './contexts.js';
import { ConfigEditor } from './edit.js';
import { adapterAddressProblem } from './model.js';
import { parseConfig } from './parse.js';

const source = `apiVersion: meshdeck/v1
kind: Config
local:
  adapters:
    - name: istio
      address: localhost:10000
contexts:
  - name: prod
    cluster: {sandbox: true}
    adapters:
      - {name: linkerd, address: "[::1]:10001"}
`;

describe('adapters in the config', () => {
  it('reads the adapters of the built-in context and of named contexts', () => {
    const parsed = parseConfig(source);
    assert.deepEqual(parsed.errors, []);
    assert.deepEqual(parsed.warnings, []);
    const [local, prod] = allContexts(parsed.config);
    assert.deepEqual(local.adapters, [{ name: 'istio', address: 'localhost:10000' }]);
    assert.equal(local.builtin, true);
    assert.deepEqual(prod.adapters, [{ name: 'linkerd', address: '[::1]:10001' }]);
  });

  it('reports bad entries with their line and column', () => {
    const parsed = parseConfig(
      source.replace('localhost:10000', 'localhost').replace('name: linkerd', 'name: Linkerd'),
    );
    assert.deepEqual(
      parsed.errors.map((e) => [e.line, e.col, e.message.replace(/:.*$/, '')]),
      [
        [11, 16, 'context "prod"'],
        [6, 16, 'the built-in context "local"'],
      ],
    );
    assert.match(parsed.errors[1].message, /"localhost" is not host:port/);
    assert.match(parsed.errors[0].message, /"Linkerd" is not a valid adapter name/);
    const twice = parseConfig(source.replace('name: linkerd', 'name: istio').replace('[::1]', 'localhost'));
    assert.deepEqual(twice.errors, []);
    const dup = parseConfig(`${source}      - {name: linkerd, address: "h:1"}\n`);
    assert.match(dup.errors[0].message, /adapter "linkerd" is defined twice/);
  });

  it('validates addresses as host:port without a scheme', () => {
    for (const ok of ['localhost:10000', '10.0.0.1:1', '[::1]:65535', 'meshery-istio.meshery.svc:10000']) {
      assert.equal(adapterAddressProblem(ok), undefined, ok);
    }
    for (const bad of ['localhost', 'grpc://h:1', 'h:0', 'h:65536', ':10000', 'h:port', 'a b:1']) {
      assert.ok(adapterAddressProblem(bad), bad);
    }
  });

  it('adds and removes adapters keeping the rest of the file', () => {
    const editor = new ConfigEditor(parseConfig(source).doc);
    editor.addAdapter('prod', { name: 'kuma', address: 'localhost:10007' });
    editor.addAdapter('local', { name: 'cilium', address: 'localhost:10012' });
    assert.equal(editor.removeAdapter('local', 'istio'), true);
    assert.equal(editor.removeAdapter('prod', 'nope'), false);
    const reread = parseConfig(editor.toString());
    assert.deepEqual(reread.errors, []);
    const [local, prod] = allContexts(reread.config);
    assert.deepEqual(
      local.adapters?.map((a) => a.name),
      ['cilium'],
    );
    assert.deepEqual(
      prod.adapters?.map((a) => a.name),
      ['linkerd', 'kuma'],
    );
  });
});
