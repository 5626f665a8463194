// DCMTK 3.6.7 SCUs (echoscu, storescu, findscu, movescu, getscu) against an SCP built on
// serveDimse. Stored objects are compared byte for byte with what was sent.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT } from '@pacs/testing';
import { connect, DataSet, echo, parseSopList, readDataSet, readFileMetaInformation, store, Status, TransferSyntaxUid } from '@pacs/dicom';
import { readFileSync } from 'node:fs';
import { dataSetPart, padOddLengthFixture, transferSyntaxOf } from './support/bytes';
import { freePort, run, startDaemon } from './support/processes';
import { startTestPacs, type TestPacs } from './support/test-pacs';

const FIXTURES = join(ROOT, 'test/fixtures/datasets');
const fixture = (name: string): string => join(FIXTURES, name);
const STUDY_UID = '1.2.826.0.1.3680043.10.543.2';
const SOP_UID = '1.2.826.0.1.3680043.10.543.1.1';

/** storescu options proposing only the file's own transfer syntax, so nothing is converted. */
const SAME_SYNTAX: Record<string, string> = {
  [TransferSyntaxUid.ExplicitVRLittleEndian]: '-xe',
  [TransferSyntaxUid.ImplicitVRLittleEndian]: '-xi',
  [TransferSyntaxUid.ExplicitVRBigEndian]: '-xb',
  [TransferSyntaxUid.DeflatedExplicitVRLittleEndian]: '-xd',
  [TransferSyntaxUid.RLELossless]: '-xr',
};

let pacs: TestPacs;
let work: string;

async function storescu(file: string, extra: string[] = []): Promise<{ code: number | null; output: string }> {
  const option = SAME_SYNTAX[transferSyntaxOf(file)];
  assert.ok(option, `no storescu option for ${file}`);
  return run('storescu', ['-R', option, '-aet', 'STORESCU', '-aec', pacs.aeTitle, ...extra, '127.0.0.1', String(pacs.port), file]);
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'pacs-dcmtk-scu-'));
  pacs = await startTestPacs();
});
after(async () => {
  await pacs.close();
  rmSync(work, { recursive: true, force: true });
});

describe('echoscu → serveDimse', () => {
  test('C-ECHO succeeds and the association is released', async () => {
    const r = await run('echoscu', ['-aet', 'ECHOSCU', '-aec', pacs.aeTitle, '127.0.0.1', String(pacs.port)]);
    assert.equal(r.code, 0, r.output);
  });

  test('unknown called AE → A-ASSOCIATE-RJ 1/1/7 (called-AE-title-not-recognized)', async () => {
    const before = pacs.log.length;
    const r = await run('echoscu', ['-aet', 'ECHOSCU', '-aec', 'NOT-THIS-AE', '127.0.0.1', String(pacs.port)]);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /Called AE Title Not Recognized/i);
    assert.deepEqual(pacs.log.slice(before), ['rejected 1/1/7']);
  });
});

describe('storescu → serveDimse: the stored data set part equals what was sent', () => {
  const asIs = ['explicit-le-defined-lengths.dcm', 'implicit-le.dcm', 'explicit-be.dcm', 'rle-lossless.dcm'];
  for (const name of asIs) {
    test(`${name}: byte-exact, stored in ${name === 'rle-lossless.dcm' ? 'RLE (pass-through)' : 'its own transfer syntax'}`, async () => {
      const count = pacs.stored.length;
      const r = await storescu(fixture(name));
      assert.equal(r.code, 0, r.output);
      const stored = pacs.stored[count];
      assert.ok(stored, 'nothing stored');
      assert.equal(stored.transferSyntaxUid, transferSyntaxOf(fixture(name)));
      assert.equal(transferSyntaxOf(stored.path), stored.transferSyntaxUid);
      assert.ok(dataSetPart(stored.path).equals(dataSetPart(fixture(name))), 'data set part differs');
    });
  }

  test('deflated.dcm: the deflate stream as sent, which DCMTK pads to even length with one 0x00 on the network', async () => {
    const count = pacs.stored.length;
    const r = await storescu(fixture('deflated.dcm'));
    assert.equal(r.code, 0, r.output);
    const sent = dataSetPart(fixture('deflated.dcm'));
    assert.equal(sent.length % 2, 1, 'the fixture is expected to have an odd deflate stream');
    assert.equal(pacs.stored[count]!.transferSyntaxUid, TransferSyntaxUid.DeflatedExplicitVRLittleEndian);
    assert.ok(dataSetPart(pacs.stored[count]!.path).equals(Buffer.concat([sent, Buffer.from([0])])));
  });

  test('explicit-le-undefined-lengths.dcm: DCMTK sends sequences with defined lengths, which we keep as received', async () => {
    const count = pacs.stored.length;
    const r = await storescu(fixture('explicit-le-undefined-lengths.dcm'));
    assert.equal(r.code, 0, r.output);
    // dump2dcm wrote the defined-lengths fixture from the same source: the same bytes DCMTK's network writer produces.
    assert.ok(dataSetPart(pacs.stored[count]!.path).equals(dataSetPart(fixture('explicit-le-defined-lengths.dcm'))));
  });

  test('odd-lengths.dcm: DCMTK pads the two odd values on reading; private tags and padding arrive untouched', async () => {
    const count = pacs.stored.length;
    const r = await storescu(fixture('odd-lengths.dcm'));
    assert.equal(r.code, 0, r.output);
    const received = dataSetPart(pacs.stored[count]!.path);
    assert.ok(received.equals(padOddLengthFixture(dataSetPart(fixture('odd-lengths.dcm')))));
    assert.equal(pacs.stored[count]!.header.getString(0x00291004), 'ODD');
  });
});

describe('findscu / movescu / getscu → serveDimse', () => {
  test('findscu at STUDY level: pending matches with the requested keys, then success', async () => {
    const out = mkdtempSync(join(work, 'find-'));
    const r = await run(
      'findscu',
      ['-S', '-X', '-od', out, '-aec', pacs.aeTitle, '-k', 'QueryRetrieveLevel=STUDY', '-k', 'StudyInstanceUID', '-k', 'PatientName', '-k', 'PatientID=PID-0001', '127.0.0.1', String(pacs.port)],
    );
    assert.equal(r.code, 0, r.output);
    const files = readdirSync(out);
    assert.equal(files.length, 1, r.output);
    const bytes = readFileSync(join(out, files[0]!));
    const { meta, dataSetOffset } = readFileMetaInformation(bytes);
    const match = readDataSet(bytes.subarray(dataSetOffset), meta.transferSyntaxUid);
    assert.equal(match.getString(0x0020000d), STUDY_UID);
    assert.equal(match.getString(0x00100020), 'PID-0001');
    assert.equal(match.getString(0x00080052), 'STUDY');
  });

  test('movescu to a storescp started as the move destination: byte-exact copy arrives', async () => {
    const destPort = await freePort();
    const destDir = mkdtempSync(join(work, 'move-'));
    const dest = await startDaemon('storescp', ['-aet', 'MOVEDEST', '-B', '+xa', '-od', destDir, String(destPort)], destPort);
    const movePacs = await startTestPacs({ moveDestinations: { MOVEDEST: { host: '127.0.0.1', port: destPort } } });
    try {
      const s = await run('storescu', ['-R', '-xe', '-aec', movePacs.aeTitle, '127.0.0.1', String(movePacs.port), fixture('explicit-le-defined-lengths.dcm')]);
      assert.equal(s.code, 0, s.output);
      const r = await run('movescu', ['-S', '-aec', movePacs.aeTitle, '-aem', 'MOVEDEST', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${STUDY_UID}`, '127.0.0.1', String(movePacs.port)]);
      assert.equal(r.code, 0, r.output);
      const files = readdirSync(destDir);
      assert.equal(files.length, 1, `${r.output}\n${dest.output()}`);
      assert.ok(dataSetPart(join(destDir, files[0]!)).equals(dataSetPart(fixture('explicit-le-defined-lengths.dcm'))));
      assert.equal(readFileMetaInformation(readFileSync(join(destDir, files[0]!))).meta.sourceApplicationEntityTitle, movePacs.aeTitle);
    } finally {
      await dest.stop();
      await movePacs.close();
    }
  });

  test('movescu to an unknown destination: 0xA801', async () => {
    const r = await run('movescu', ['-S', '-aec', pacs.aeTitle, '-aem', 'NOWHERE', '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${STUDY_UID}`, '127.0.0.1', String(pacs.port)]);
    assert.match(r.output, /0xa801|Move ?Destination ?Unknown/i);
  });

  test('getscu into a temp dir: sub-operations on the same association, byte-exact', async () => {
    const out = mkdtempSync(join(work, 'get-'));
    const r = await run('getscu', ['-S', '+B', '-aec', pacs.aeTitle, '-od', out, '-k', 'QueryRetrieveLevel=IMAGE', '-k', `SOPInstanceUID=${SOP_UID}`, '127.0.0.1', String(pacs.port)]);
    assert.equal(r.code, 0, r.output);
    const files = readdirSync(out);
    assert.equal(files.length, 1, r.output);
    const latest = pacs.stored.filter((s) => s.sopInstanceUid === SOP_UID).at(-1)!;
    assert.ok(dataSetPart(join(out, files[0]!)).equals(dataSetPart(latest.path)));
  });

  test('getscu against a 16 KiB maximum PDU: its 17 KB A-ASSOCIATE-RQ is accepted (PS3.8 Annex D.1 bounds P-DATA only)', async () => {
    const small = await startTestPacs({ maxPduLength: 16384 });
    try {
      const r = await run('getscu', ['-S', '-aec', small.aeTitle, '-od', work, '-k', 'QueryRetrieveLevel=STUDY', '-k', 'StudyInstanceUID=1.2.3.4', '127.0.0.1', String(small.port)]);
      assert.equal(r.code, 0, r.output);
      assert.deepEqual(small.log, ['accepted', 'released']);
    } finally {
      await small.close();
    }
  });

  test('findscu --cancel 2: C-CANCEL-RQ aborts the handler, final status 0xFE00', async () => {
    let aborted = false;
    const endless = await startTestPacs({
      handlers: {
        find: async function* ({ signal }) {
          for (let i = 0; !signal.aborted && i < 100_000; i++) {
            yield new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x00100020, `P${i}`);
            await new Promise((r) => setImmediate(r));
          }
          aborted = signal.aborted;
        },
      },
    });
    try {
      const r = await run('findscu', ['-S', '-v', '--cancel', '2', '-aec', endless.aeTitle, '-k', 'QueryRetrieveLevel=STUDY', '-k', 'PatientID', '127.0.0.1', String(endless.port)]);
      assert.equal(r.code, 0, r.output);
      assert.match(r.output, /Sending Cancel Request/);
      assert.match(r.output, /Received Final Find Response \(Cancel: MatchingTerminatedDueToCancelRequest\)/);
      await waitFor(() => aborted);
    } finally {
      await endless.close();
    }
  });
});

describe('bad input gets the standard answer', () => {
  test('an unsupported SOP class: presentation context rejected, storescu reports it', async () => {
    const ctOnly = await startTestPacs({ abstractSyntaxes: parseSopList('CTImageStorage - sop\nVerification - sop') });
    try {
      const r = await run('storescu', ['-R', '-xe', '-aec', ctOnly.aeTitle, '127.0.0.1', String(ctOnly.port), fixture('explicit-le-defined-lengths.dcm')]);
      assert.notEqual(r.code, 0);
      assert.match(r.output, /No Acceptable Presentation Contexts/i);
      assert.equal(ctOnly.stored.length, 0);
    } finally {
      await ctOnly.close();
    }
  });

  test('a malformed data set: failure status 0xC000, nothing stored, the association still works', async () => {
    const association = await connect({
      host: '127.0.0.1',
      port: pacs.port,
      callingAeTitle: 'BADSCU',
      calledAeTitle: pacs.aeTitle,
      presentationContexts: [
        { abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [TransferSyntaxUid.ImplicitVRLittleEndian] },
        { abstractSyntax: '1.2.840.10008.5.1.4.1.1.7', transferSyntaxes: [TransferSyntaxUid.ExplicitVRLittleEndian] },
      ],
    });
    try {
      const count = pacs.stored.length;
      // (0010,0010) PN claiming 200 bytes, 4 present.
      const garbage = Buffer.from([0x10, 0x00, 0x10, 0x00, 0x50, 0x4e, 0xc8, 0x00, 0x41, 0x42, 0x43, 0x44]);
      const rsp = await store(association, { sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: '1.2.3.4.5', transferSyntaxUid: TransferSyntaxUid.ExplicitVRLittleEndian, dataSet: garbage });
      assert.equal(rsp.status & 0xf000, 0xc000, `status 0x${rsp.status.toString(16)}`);
      assert.equal(pacs.stored.length, count);
      assert.equal(readdirSync(pacs.dir).filter((f) => f.includes('1.2.3.4.5')).length, 0);
      assert.equal((await echo(association)).status, Status.Success);
    } finally {
      await association.release();
    }
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), 'condition not reached');
}
