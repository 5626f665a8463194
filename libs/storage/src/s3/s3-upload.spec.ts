import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { Client } from 'minio';
import { integrityHeaders } from './s3-upload';

const clientOver = (useSSL: boolean): Client => new Client({ endPoint: '127.0.0.1', port: 9000, useSSL, accessKey: 'a', secretKey: 'b' });

describe('integrityHeaders', () => {
  const body = Buffer.from('DICM body bytes');

  test('over HTTPS (payload not signed) the body goes with its MD5', () => {
    assert.deepEqual(integrityHeaders(clientOver(true), body), {
      'Content-Length': body.length,
      'Content-MD5': createHash('md5').update(body).digest('base64'),
    });
  });

  test('over plain HTTP the signed payload SHA-256 covers the bytes: no MD5 is computed', () => {
    assert.deepEqual(integrityHeaders(clientOver(false), body), { 'Content-Length': body.length });
  });
});
