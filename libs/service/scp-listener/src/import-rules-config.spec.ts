import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '@pacs/platform';
import { importRulesFromConfig } from './import-rules-config';

const config = (importRules: unknown[], uidRemapSecret?: string) =>
  loadConfig({ env: {}, argv: [], overrides: { importRules, ...(uidRemapSecret ? { ingest: { uidRemapSecret } } : {}) } });

describe('import rules from the configuration', () => {
  test('valid rules compile, in order', () => {
    const rules = importRulesFromConfig(config([
      { actions: [{ action: 'tier', tier: 'fast' }] },
      { match: { callingAe: 'CT*' }, actions: [{ action: 'newUids' }] },
    ], 'a-secret-of-sixteen-chars'));
    assert.equal(rules.size, 2);
  });

  test('a rule that means nothing is a ConfigError naming it (the listener exits 78 at start)', () => {
    assert.throws(() => importRulesFromConfig(config([{ actions: [{ action: 'tier', tier: 'a' }] }, { actions: [{ action: 'delete', tag: 'NoSuchKeyword' }] }])),
      (e) => e instanceof ConfigError && e.key === 'importRules[1].actions[0].tag' && /not a tag or dictionary keyword/.test(e.message));
    assert.throws(() => importRulesFromConfig(config([{ actions: [{ action: 'newUids' }] }])), (e) => e instanceof ConfigError && /uidRemapSecret/.test(e.message));
  });
});
