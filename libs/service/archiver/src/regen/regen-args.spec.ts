import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '@pacs/runtime';
import { parseRegenArgs } from './regen-args';

describe('regen command line', () => {
  test('--full: everything; --study UID (or --study=UID): one study; --config is the loader\'s', () => {
    assert.deepEqual(parseRegenArgs(['--full']), {});
    assert.deepEqual(parseRegenArgs(['--study', '1.2.3']), { studyInstanceUid: '1.2.3' });
    assert.deepEqual(parseRegenArgs(['--config', 'pacs.yaml', '--study=1.2.3']), { studyInstanceUid: '1.2.3' });
    assert.deepEqual(parseRegenArgs(['--config=pacs.yaml', '--full']), {});
  });

  test('exactly one of --full and --study; a study must be a valid UID (PS3.5 §9.1)', () => {
    for (const argv of [[], ['--full', '--study', '1.2.3'], ['--study'], ['--study', '1.2.x'], ['--study', '../1'], ['--everything']]) {
      assert.throws(() => parseRegenArgs(argv), (e) => e instanceof UsageError && /usage: regen/.test(e.message), JSON.stringify(argv));
    }
  });
});
