import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { coalesceValues, mergeUserValues, validateValues } from './values';

describe('coalesceValues (Helm semantics)', () => {
  test('user maps merge into defaults, lists and scalars replace, null removes the key', () => {
    const defaults = { a: { x: 1, y: 2 }, l: [1, 2], s: 'd', gone: { z: 1 } };
    assert.deepEqual(coalesceValues({ a: { y: 3 }, l: [9], s: 'u', gone: null }, defaults), { a: { x: 1, y: 3 }, l: [9], s: 'u' });
  });

  test('later user value sets win over earlier ones', () => {
    assert.deepEqual(mergeUserValues([{ a: { x: 1, y: 1 } }, { a: { y: 2 } }]), { a: { x: 1, y: 2 } });
  });
});

describe('validateValues messages name the path', () => {
  const schema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      listener: { type: 'object', additionalProperties: false, properties: { replicas: { type: 'integer', minimum: 0 } } },
      level: { type: 'string', enum: ['info', 'debug'] },
      tls: {
        type: 'object',
        properties: { enabled: { type: 'boolean' }, secret: { type: 'string' } },
        if: { properties: { enabled: { const: true } } },
        then: { properties: { secret: { type: 'string', minLength: 1, description: 'required when tls.enabled is true' } } },
      },
    },
  };

  test('wrong type, unknown key, enum and conditional requirement', () => {
    assert.deepEqual(validateValues(schema, { listener: { replicas: 'two' } }), ['listener.replicas: must be integer, got "two"']);
    assert.deepEqual(validateValues(schema, { listener: { replica: 2 } }), ['listener.replica: unknown key (listener has replicas)']);
    assert.deepEqual(validateValues(schema, { level: 'verbose' }), ['level: must be one of "info", "debug", got "verbose"']);
    assert.deepEqual(validateValues(schema, { tls: { enabled: true, secret: '' } }), ['tls.secret: must NOT have fewer than 1 characters, got "" (required when tls.enabled is true)']);
    assert.deepEqual(validateValues(schema, { listener: { replicas: 2 }, tls: { enabled: false, secret: '' } }), []);
  });
});
