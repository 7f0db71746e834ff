import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExitCode, MeshdeckError } from '../core/errors.js';
import { parseDesign } from './design-file.js';

describe('parseDesign', () => {
  it('reads YAML and JSON designs with a name', () => {
    assert.deepEqual(parseDesign('name: web\nservices:\n  a: 1\n', 'd.yaml'), {
      name: 'web',
      data: { name: 'web', services: { a: 1 } },
    });
    assert.equal(parseDesign('{"name": "api", "x": [1]}', 'd.json').name, 'api');
  });

  it('points at the line of a syntax error or of a bad name, with exit 2', () => {
    const cases: Array<[string, RegExp]> = [
      ['name: web\nservices: [1, 2\n', /^d\.yaml:\d+:\d+: /],
      ['services: {}\n', /^d\.yaml:1:1: a design needs a "name"/],
      ['other: 1\nname: ""\n', /^d\.yaml:2:7: "name" must be a non-empty string/],
      ['- a\n- b\n', /^d\.yaml:1:1: a design must be a YAML or JSON object/],
    ];
    for (const [source, message] of cases) {
      assert.throws(
        () => parseDesign(source, 'd.yaml'),
        (err: MeshdeckError) => {
          assert.equal(err.exitCode, ExitCode.USAGE);
          assert.match(err.message, message);
          return true;
        },
      );
    }
  });
});
