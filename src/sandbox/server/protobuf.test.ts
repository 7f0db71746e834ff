import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../base/status.js';
import { decodeProtobuf } from './protobuf.js';

// A tiny encoder for the test: varint keys and length-delimited fields.
const varint = (n: number) => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
};
const bytes = (num: number, v: Buffer | string) => {
  const b = typeof v === 'string' ? Buffer.from(v) : v;
  return Buffer.concat([varint((num << 3) | 2), varint(b.length), b]);
};
const int = (num: number, v: number) => Buffer.concat([varint(num << 3), varint(v)]);
const msg = (...parts: Buffer[]) => Buffer.concat(parts);
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    bytes(1, msg(bytes(1, apiVersion), bytes(2, kind))),
    bytes(2, raw),
  ]);

describe('protobuf request bodies', () => {
  it('decodes a ConfigMap as kubectl create configmap sends it', () => {
    const meta = msg(bytes(1, 'c1'), bytes(2, ''), bytes(11, msg(bytes(1, 'app'), bytes(2, 'x'))));
    const body = envelope(
      'v1',
      'ConfigMap',
      msg(bytes(1, meta), bytes(2, msg(bytes(1, 'a'), bytes(2, 'b'))), bytes(99, 'unknown field')),
    );
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c1', labels: { app: 'x' } },
      data: { a: 'b' },
    });
  });

  it('keeps explicit zeros of pointer fields and decodes int-or-string and nested lists', () => {
    const container = msg(bytes(1, 'nginx'), bytes(2, 'nginx:1'), bytes(6, msg(int(3, 80), bytes(4, 'TCP'))));
    const template = msg(
      bytes(1, msg(bytes(11, msg(bytes(1, 'app'), bytes(2, 'd'))))),
      bytes(2, msg(bytes(2, container))),
    );
    const strategy = msg(bytes(1, 'RollingUpdate'), bytes(2, msg(bytes(1, msg(int(1, 1), bytes(3, '25%'))))));
    const spec = msg(int(1, 0), bytes(3, template), bytes(4, strategy));
    const out = decodeProtobuf(
      envelope('apps/v1', 'Deployment', msg(bytes(1, bytes(1, 'd')), bytes(2, spec))),
    ) as { spec: { replicas: number; template: { spec: { containers: unknown[] } }; strategy: unknown } };
    assert.equal(out.spec.replicas, 0);
    assert.deepEqual(out.spec.template.spec.containers, [
      { name: 'nginx', image: 'nginx:1', ports: [{ containerPort: 80, protocol: 'TCP' }] },
    ]);
    assert.deepEqual(out.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%' } });
  });

  it('refuses kinds it cannot decode (415) and malformed bodies (400)', () => {
    assert.throws(
      () => decodeProtobuf(envelope('v1', 'NoSuchKind', Buffer.alloc(0))),
      (e: StatusError) => e.code === 415,
    );
    assert.throws(
      () => decodeProtobuf(Buffer.from('nope')),
      (e: StatusError) => e.code === 400,
    );
    assert.throws(
      () =>
        decodeProtobuf(
          Buffer.concat([envelope('v1', 'ConfigMap', Buffer.alloc(0)), Buffer.from([0x0a, 0xff])]),
        ),
      (e: StatusError) => e.code === 400,
    );
  });
});
