// The start-up warm-up over loopback: every synthetic instance arrives whole and parses, spread
// over the associations asked for, and a refusal on the way is reported, not swallowed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PIXEL_DATA, readDataSet, tagForKeyword } from '../core';
import type { StoreRequest } from './scp/handlers';
import { warmUpStorePath } from './warm-up';

async function bytesOf(request: StoreRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request.dataSet) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('warmUpStorePath', () => {
  test('sends whole, parseable CT slices over the associations asked for', async () => {
    const seen: { association: string; sopInstanceUid: string; size: number }[] = [];
    const result = await warmUpStorePath({
      instances: 7,
      associations: 3,
      instanceBytes: 4096,
      consume: async (request) => {
        const bytes = await bytesOf(request);
        const ds = readDataSet(bytes, request.transferSyntaxUid);
        assert.equal(ds.getUid(tagForKeyword('SOPInstanceUID') as number), request.sopInstanceUid);
        assert.equal(ds.getUid(tagForKeyword('SOPClassUID') as number), request.sopClassUid);
        const rows = ds.getNumber(tagForKeyword('Rows') as number) as number;
        const columns = ds.getNumber(tagForKeyword('Columns') as number) as number;
        assert.equal(ds.getBytes(PIXEL_DATA)?.length, rows * columns * 2);
        seen.push({ association: request.association.id, sopInstanceUid: request.sopInstanceUid, size: bytes.length });
      },
    });
    assert.equal(result.instances, 7);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen.map((s) => s.sopInstanceUid)).size, 7);
    assert.equal(new Set(seen.map((s) => s.association)).size, 3);
    assert.equal(result.bytes, seen.reduce((sum, s) => sum + s.size, 0));
  });

  test('zero instances is a no-op', async () => {
    assert.deepEqual(await warmUpStorePath({ instances: 0 }), { instances: 0, bytes: 0, ms: 0 });
  });

  test('a C-STORE that is not answered with success fails the warm-up', async () => {
    await assert.rejects(
      warmUpStorePath({
        instances: 2,
        instanceBytes: 2048,
        consume: async (request) => {
          request.dataSet.resume();
          throw new Error('refused on purpose');
        },
      }),
      /warm-up C-STORE answered 0x/,
    );
  });
});
