import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { readFileMetaInformation } from './file-meta';
import { readPart10Header } from './part10-header';

const dir = join(import.meta.dirname, '../../../../test/fixtures/datasets');

describe('readPart10Header', () => {
  for (const name of ['explicit-le-undefined-lengths.dcm', 'implicit-le.dcm', 'explicit-be.dcm', 'deflated.dcm']) {
    test(`${name}: meta and header up to Pixel Data, for any chunking`, async () => {
      const file = readFileSync(join(dir, name));
      const expectedTs = readFileMetaInformation(file).meta.transferSyntaxUid;
      for (const size of [1, 13, 4096, file.length]) {
        const chunks: Buffer[] = [];
        for (let i = 0; i < file.length; i += size) chunks.push(file.subarray(i, i + size));
        const source = Readable.from(chunks);
        const header = await readPart10Header(source, 1 << 20);
        assert.equal(header.meta.transferSyntaxUid, expectedTs);
        assert.equal(header.stoppedAt, 'pixel-data', `chunk ${size}`);
        assert.ok(header.dataSet.getUid(0x00080018), 'SOP Instance UID read');
        assert.equal(header.dataSet.get(0x7fe00010), undefined);
      }
    });
  }

  test('stops reading once the header is complete (the pixel data is not consumed)', async () => {
    const file = readFileSync(join(dir, 'explicit-le-undefined-lengths.dcm'));
    let pulled = 0;
    const pixels = Buffer.alloc(1024 * 1024);
    const source = Readable.from((function* () {
      pulled++;
      yield file.subarray(0, file.length - 40);
      for (let i = 0; i < 100; i++) { pulled++; yield pixels; }
    })());
    const header = await readPart10Header(source, 1 << 20);
    assert.equal(header.stoppedAt, 'pixel-data');
    assert.ok(pulled < 5, `pulled ${pulled} chunks`);
    assert.equal(source.destroyed, true);
  });

  test('not a Part 10 object → DicomParseError', async () => {
    await assert.rejects(readPart10Header(Readable.from([Buffer.alloc(300)]), 1 << 20), { name: 'DicomParseError' });
  });
});
