import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../base/status.js';
import type { K8sObject, ManagedFieldsEntry } from '../base/types.js';
import { PATCH_META } from '../base/patch-meta.js';
import { LAST_APPLIED, requestManagedFields, serverSideApply, trackUpdate } from './managed.js';

const now = new Date('2026-01-01T00:00:00Z');
const meta = PATCH_META.Deployment;
const applied = (
  replicas: number,
  image = 'nginx',
  labels: Record<string, string> = { a: '1' },
): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels },
  spec: { replicas, template: { spec: { containers: [{ name: 'c', image }] } } },
});

function apply(live: K8sObject | undefined, cfg: K8sObject, manager: string, force = false): K8sObject {
  const r = serverSideApply(live, cfg, manager, force, 'apps/v1', meta, 'main', now);
  return { ...r.object, metadata: { ...r.object.metadata, managedFields: r.managedFields } };
}

describe('server-side apply', () => {
  it('records the applied fields, keyed list elements included', () => {
    const obj = apply(undefined, applied(2), 'kubectl');
    const [entry] = obj.metadata.managedFields!;
    assert.equal(entry.manager, 'kubectl');
    assert.equal(entry.operation, 'Apply');
    assert.deepEqual(entry.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:name': {}, 'f:image': {} } } },
        },
      },
    });
  });

  it('conflicts with another manager over a changed value, unless forced; equal values are shared', () => {
    const live = apply(undefined, applied(2), 'a');
    assert.throws(
      () => apply(live, applied(3), 'b'),
      (e: StatusError) =>
        e.code === 409 &&
        e.message === 'Apply failed with 1 conflict: conflict with "a": .spec.replicas' &&
        e.details?.causes?.[0].field === '.spec.replicas',
    );
    const shared = apply(live, applied(2), 'b');
    assert.equal(shared.metadata.managedFields!.length, 2);
    const forced = apply(live, applied(3), 'b', true);
    assert.equal((forced.spec as { replicas: number }).replicas, 3);
    const a = forced.metadata.managedFields!.find((m) => m.manager === 'a')!;
    assert.equal((a.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']['f:replicas'], undefined);
  });

  it('names every conflicting path and manager when there are several', () => {
    const live = apply(undefined, applied(2, 'nginx:1'), 'a');
    assert.throws(
      () => apply(live, applied(3, 'nginx:2'), 'b'),
      (e: StatusError) =>
        e.message ===
        'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\n- .spec.template.spec.containers[name="c"].image',
    );
  });

  it('removes fields a manager stops applying, unless another manager owns them', () => {
    const live = apply(undefined, applied(2, 'nginx', { a: '1', b: '2' }), 'a');
    const dropped = apply(live, applied(2, 'nginx', { a: '1' }), 'a');
    assert.deepEqual(dropped.metadata.labels, { a: '1' });
    const both = apply(
      apply(live, applied(2, 'nginx', { b: '2' }), 'other'),
      applied(2, 'nginx', { a: '1' }),
      'a',
    );
    assert.deepEqual(both.metadata.labels, { a: '1', b: '2' });
  });

  it('gives an Update manager what it changed and takes it from the others', () => {
    const live = apply(undefined, applied(2), 'a');
    const changed = { ...live, spec: { ...(live.spec as object), replicas: 5 } } as K8sObject;
    const entries = trackUpdate(
      live,
      changed,
      { manager: 'kubectl-scale', operation: 'Update' },
      'apps/v1',
      meta,
      'main',
      now,
    );
    const scale = entries.find((e) => e.manager === 'kubectl-scale')!;
    assert.deepEqual(scale.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    const a = entries.find((e) => e.manager === 'a')!;
    assert.equal((a.fieldsV1 as Record<string, Record<string, unknown>>)['f:spec']['f:replicas'], undefined);
  });

  it('an unchanged re-apply keeps the entry (its time included); a port without protocol is the same port', () => {
    const withPort = (): K8sObject => ({
      ...applied(2),
      spec: {
        replicas: 2,
        template: { spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
      },
    });
    const first = apply(undefined, withPort(), 'kubectl');
    // The server defaults the protocol of the stored port.
    const ports = (first.spec as { template: { spec: { containers: Array<{ ports: object[] }> } } }).template
      .spec.containers[0].ports;
    ports[0] = { containerPort: 80, protocol: 'TCP' };
    const later = new Date(now.getTime() + 60_000);
    const r = serverSideApply(first, withPort(), 'kubectl', false, 'apps/v1', meta, 'main', later);
    assert.deepEqual(r.managedFields, first.metadata.managedFields);
    const again = r.object.spec as {
      template: { spec: { containers: Array<{ ports: object[] }> } };
    };
    assert.deepEqual(again.template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('names an Update manager by its identifier: apiVersion, never the time', () => {
    const live = apply(undefined, applied(2), 'a');
    const changed = { ...live, spec: { ...(live.spec as object), replicas: 5 } } as K8sObject;
    const entries = trackUpdate(
      live,
      changed,
      { manager: 'tuner', operation: 'Update', subresource: 'scale' },
      'apps/v1',
      meta,
      'main',
      now,
    );
    const tuned = { ...changed, metadata: { ...changed.metadata, managedFields: entries } };
    assert.throws(
      () => apply(tuned, applied(2), 'a'),
      (e: StatusError) =>
        e.message ===
        'Apply failed with 1 conflict: conflict with "tuner" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  it('lets manager kubectl take unchanged last-applied fields from client-side apply, and no one else', () => {
    const live = apply(undefined, applied(2), 'kubectl-client-side-apply');
    const csa = live.metadata.managedFields!.map((e) => ({ ...e, operation: 'Update' as const }));
    const lastApplied = JSON.stringify(applied(2));
    const withAnnotation: K8sObject = {
      ...live,
      metadata: { ...live.metadata, annotations: { [LAST_APPLIED]: lastApplied }, managedFields: csa },
    };
    assert.throws(
      () => apply(withAnnotation, applied(3), 'other'),
      (e: StatusError) => e.code === 409,
    );
    const upgraded = apply(withAnnotation, applied(3), 'kubectl');
    assert.equal((upgraded.spec as { replicas: number }).replicas, 3);
    // A field changed since the last client-side apply stays a conflict.
    const drifted = {
      ...withAnnotation,
      spec: { ...(withAnnotation.spec as object), replicas: 4 },
    } as K8sObject;
    assert.throws(
      () => apply(drifted, applied(3), 'kubectl'),
      (e: StatusError) => e.code === 409,
    );
  });

  it("takes a request's own managedFields unless empty or undecodable; [{}] resets them", () => {
    const live: ManagedFieldsEntry[] = [
      {
        manager: 'a',
        operation: 'Update' as const,
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': {} },
      },
    ];
    const given = [{ manager: 'b', operation: 'Apply', fieldsV1: { 'f:data': {} } }];
    assert.deepEqual(requestManagedFields(given, live), given);
    assert.deepEqual(requestManagedFields(undefined, live), live);
    assert.deepEqual(requestManagedFields([{ manager: 'b', operation: 'Bogus' }], live), live);
    assert.deepEqual(requestManagedFields([{}], live), []);
  });
});
