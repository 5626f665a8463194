import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { haproxyConfig } from './support/haproxy';

describe('haproxy.cfg of the cluster simulation', () => {
  const cfg = haproxyConfig({
    statsSocket: '/tmp/x/admin.sock',
    frontends: [{ name: 'dicom', bindPort: 11112, servers: [{ name: 'l1', port: 4001, checkPort: 5001 }, { name: 'l2', port: 4002, checkPort: 5002 }] }],
  });

  test('TCP mode, leastconn, health checks on each listener\'s /readyz port', () => {
    assert.match(cfg, /^\s+mode tcp$/m);
    assert.match(cfg, /^\s+balance leastconn$/m);
    assert.match(cfg, /^\s+option httpchk GET \/readyz$/m);
    assert.match(cfg, /^\s+server l1 127\.0\.0\.1:4001 check port 5001$/m);
    assert.match(cfg, /^\s+server l2 127\.0\.0\.1:4002 check port 5002$/m);
    assert.match(cfg, /^\s+bind 127\.0\.0\.1:11112$/m);
  });

  test('running DICOM sessions are never cut when a listener is marked down; refused connections are redispatched', () => {
    assert.doesNotMatch(cfg, /on-marked-down/);
    assert.match(cfg, /^\s+option redispatch 1$/m);
  });
});
