import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isClientRoute, isUiRoute, staticCacheControl, UI_SECURITY_HEADERS } from './ui-routes';

describe('web UI routes', () => {
  test('the API, DICOMweb and the probes are never the UI; everything else is', () => {
    for (const path of ['/api', '/api/studies', '/api/ui-config', '/dicom-web', '/dicom-web/studies', '/healthz', '/readyz']) assert.equal(isUiRoute(path), false, path);
    for (const path of ['/', '/index.html', '/assets/index-abc123.js', '/studies/1.2.3', '/apis', '/dicom-webx', '/healthzz']) assert.equal(isUiRoute(path), true, path);
  });

  test('a path without a file extension is a client route; UIDs in a path are not extensions', () => {
    for (const path of ['/', '/studies', '/studies/1.2.840.113619.2.55.3', '/jobs/']) assert.equal(isClientRoute(path), true, path);
    for (const path of ['/favicon.ico', '/assets/index-abc.js', '/assets/index-abc.js.map', '/robots.txt', '/x/1.2.3.png']) assert.equal(isClientRoute(path), false, path);
  });

  test('hashed assets are immutable for a year; index.html and other files are revalidated', () => {
    assert.equal(staticCacheControl('/assets/index-abc123.js'), 'public, max-age=31536000, immutable');
    assert.equal(staticCacheControl('/index.html'), 'no-cache');
    assert.equal(staticCacheControl('/favicon.svg'), 'no-cache');
    assert.equal(staticCacheControl('/x/assets/a.js'), 'no-cache');
  });

  test('the HTML may not be framed and loads scripts only from its own origin', () => {
    assert.match(UI_SECURITY_HEADERS['Content-Security-Policy'] ?? '', /frame-ancestors 'none'/);
    assert.match(UI_SECURITY_HEADERS['Content-Security-Policy'] ?? '', /script-src 'self'/);
    assert.equal(UI_SECURITY_HEADERS['X-Frame-Options'], 'DENY');
  });
});
