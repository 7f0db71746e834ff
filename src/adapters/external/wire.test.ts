import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endsOperation, eventFromWire, operationFromWire } from './wire.js';

const wire = (event_type: string | number, summary: string) => ({
  event_type,
  summary,
  details: '',
  operation_id: 'op-1',
  probable_cause: '',
  suggested_remediation: '',
  error_code: '',
  component: 'adapter',
  component_name: 'ISTIO',
});

describe('MeshService wire mapping', () => {
  it('maps categories and keeps an unknown one visible as custom', () => {
    assert.equal(
      operationFromWire({ key: 'bookinfo', value: 'BookInfo', category: 'SAMPLE_APPLICATION' }).category,
      'sample-application',
    );
    assert.equal(operationFromWire({ key: 'x', value: 'X', category: 9 }).category, 'custom');
  });

  it('maps events, an unknown type becoming a warning', () => {
    const event = eventFromWire(wire('ERROR', 'Error while deploying'), new Date(0));
    assert.equal(event.severity, 'error');
    assert.equal(event.details, undefined);
    assert.equal(event.componentName, 'ISTIO');
    assert.equal(event.at, '1970-01-01T00:00:00.000Z');
    assert.equal(eventFromWire(wire(7, 'odd')).severity, 'warn');
  });

  it('ends an operation at an error or a non-progress event', () => {
    const ends = (type: string, summary: string) => endsOperation(eventFromWire(wire(type, summary)));
    assert.equal(ends('INFO', 'Deploying'), false);
    assert.equal(ends('INFO', 'Applying manifest...'), false);
    assert.equal(ends('INFO', ''), false);
    assert.equal(ends('INFO', 'Istio 1.22 installed successfully'), true);
    assert.equal(ends('INFO', 'Manifest deployed successfully'), true);
    assert.equal(ends('ERROR', 'Deploying'), true);
  });
});
