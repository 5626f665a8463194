// GDCM 3.0.21 (Debian's gdcmscu), a second, non-DCMTK SCU, against an SCP built on serveDimse.
// Debian's gdcmscu aborts itself ("ProtocolStream as nullptr is invalid", SIGABRT) right after
// it receives the A-RELEASE-RP, against DCMTK's storescp just the same; the tests therefore
// check what reached our side and that the association ended in a regular release.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { ROOT } from '@pacs/testing';
import { DataSet } from '@pacs/dicom';
import { dataSetPart, padOddLengthFixture } from './support/bytes';
import { run, type RunResult } from './support/processes';
import { startTestPacs, type TestPacs } from './support/test-pacs';

const fixture = (name: string): string => join(ROOT, 'test/fixtures/datasets', name);
const identifiers: DataSet[] = [];
let pacs: TestPacs;

before(async () => {
  pacs = await startTestPacs({
    handlers: {
      find: async function* (request) {
        identifiers.push(request.identifier);
        yield new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x00100020, 'PID-0001').setStrings(0x0020000d, '1.2.826.0.1.3680043.10.543.2');
      },
    },
  });
});
after(() => pacs.close());

async function gdcmscu(args: string[]): Promise<RunResult> {
  const before = pacs.log.length;
  const r = await run('gdcmscu', [...args, '-H', '127.0.0.1', '-p', String(pacs.port), '--call', pacs.aeTitle, '--aetitle', 'GDCMSCU']);
  const knownCrash = (r.signal === 'SIGABRT' || r.code === 134) && /ProtocolStream as nullptr is invalid/.test(r.output);
  assert.ok(r.code === 0 || knownCrash, `gdcmscu exit ${r.code ?? r.signal}: ${r.output}`);
  assert.deepEqual(pacs.log.slice(before), ['accepted', 'released'], r.output);
  return r;
}

describe('gdcmscu → serveDimse', () => {
  test('--echo: accepted, C-ECHO answered, released', async () => {
    await gdcmscu(['--echo']);
  });

  for (const name of ['explicit-le-undefined-lengths.dcm', 'implicit-le.dcm', 'explicit-be.dcm', 'rle-lossless.dcm']) {
    test(`--store ${name}: GDCM sends the file's data set as is, stored byte-exact`, async () => {
      const count = pacs.stored.length;
      await gdcmscu(['--store', '-i', fixture(name)]);
      assert.ok(dataSetPart(pacs.stored[count]!.path).equals(dataSetPart(fixture(name))));
    });
  }

  test('--store odd-lengths.dcm: GDCM pads odd values with 0x00 like DCMTK; we keep what arrived', async () => {
    const count = pacs.stored.length;
    await gdcmscu(['--store', '-i', fixture('odd-lengths.dcm')]);
    assert.ok(dataSetPart(pacs.stored[count]!.path).equals(padOddLengthFixture(dataSetPart(fixture('odd-lengths.dcm')))));
  });

  test('--store deflated.dcm: the file\'s deflate stream arrives first and inflates to the same data set', async () => {
    const count = pacs.stored.length;
    await gdcmscu(['--store', '-i', fixture('deflated.dcm')]);
    const sent = dataSetPart(fixture('deflated.dcm'));
    const received = dataSetPart(pacs.stored[count]!.path);
    assert.ok(received.subarray(0, sent.length).equals(sent));
    assert.ok(inflateRawSync(received).equals(inflateRawSync(sent)));
  });

  test('--find --study --studyroot: the identifier reaches the find handler with its keys', async () => {
    await gdcmscu(['--find', '--study', '--studyroot', '--key', '10,20=PID-0001', '--key', '20,d=']);
    const identifier = identifiers.at(-1);
    assert.ok(identifier);
    assert.equal(identifier.getString(0x00080052), 'STUDY');
    assert.equal(identifier.getString(0x00100020), 'PID-0001');
    assert.equal(identifier.getString(0x0020000d), '');
  });
});
