import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APPLY_VERBS, describePermission, permissionsFor } from './permissions.js';

describe('permissions', () => {
  it('asks each verb, resource and namespace once; cluster-scoped ones without a namespace', () => {
    const deployments = { group: 'apps', plural: 'deployments', namespaced: true };
    const namespaces = { group: '', plural: 'namespaces', namespaced: false };
    const perms = permissionsFor([
      { resource: { ...deployments, namespace: 'shop' }, verbs: APPLY_VERBS },
      { resource: { ...deployments, namespace: 'shop' }, verbs: APPLY_VERBS },
      { resource: { ...deployments, namespace: 'web' }, verbs: ['delete'] },
      { resource: { ...namespaces, namespace: 'ignored' }, verbs: APPLY_VERBS },
    ]);
    assert.deepEqual(perms.map(describePermission), [
      'create namespaces (cluster-wide)',
      'patch namespaces (cluster-wide)',
      'create deployments.apps in namespace shop',
      'patch deployments.apps in namespace shop',
      'delete deployments.apps in namespace web',
    ]);
  });
});
