// Our SCU (echo, store, find, move, get) against DCMTK 3.6.7: storescp as C-STORE SCP and
// dcmqrscp as Q/R SCP (loaded with storescu first). See ../shared/peers/README.md pitfall 3
// for the dcmqrscp configuration rules followed here.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT } from '@pacs/testing';
import {
  connect,
  DataSet,
  echo,
  find,
  get,
  move,
  openPart10File,
  proposeQuery,
  proposeStorage,
  QueryRetrieveModel,
  scpRoleSelection,
  Status,
  store,
  type Association,
} from '@pacs/dicom';
import { dataSetPart, padOddLengthFixture } from './support/bytes';
import { freePort, run, startDaemon, type Daemon } from './support/processes';
import { startTestPacs, type TestPacs } from './support/test-pacs';

const FIXTURES = ['explicit-le-undefined-lengths.dcm', 'explicit-le-defined-lengths.dcm', 'implicit-le.dcm', 'explicit-be.dcm', 'deflated.dcm', 'rle-lossless.dcm', 'odd-lengths.dcm'];
const fixture = (name: string): string => join(ROOT, 'test/fixtures/datasets', name);
const STUDY_UID = '1.2.826.0.1.3680043.10.543.2';
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

/**
 * What storescp (even with -B) writes for what we send: DCMTK parses the data set, so it
 * writes sequences with defined lengths and pads odd values with 0x00 (see dcmtk-scu spec).
 */
function atStorescp(name: string): Buffer {
  if (name === 'explicit-le-undefined-lengths.dcm') return dataSetPart(fixture('explicit-le-defined-lengths.dcm'));
  if (name === 'odd-lengths.dcm') return padOddLengthFixture(dataSetPart(fixture(name)));
  return dataSetPart(fixture(name));
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'pacs-our-scu-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('our SCU → DCMTK storescp', () => {
  let storescp: Daemon;
  let port: number;
  let dir: string;
  before(async () => {
    port = await freePort();
    dir = mkdtempSync(join(work, 'storescp-'));
    // -B writes the data set as received; +xa accepts every transfer syntax storescp knows.
    storescp = await startDaemon('storescp', ['-aet', 'STORESCP', '-B', '+xa', '-od', dir, String(port)], port);
  });
  after(() => storescp.stop());

  test('C-ECHO: status 0x0000', async () => {
    const association = await connect({ host: '127.0.0.1', port, callingAeTitle: 'OURSCU', calledAeTitle: 'STORESCP', presentationContexts: proposeQuery(['1.2.840.10008.1.1']) });
    try {
      assert.equal((await echo(association)).status, Status.Success);
    } finally {
      await association.release();
    }
  });

  for (const name of FIXTURES) {
    test(`C-STORE ${name} streamed from the file: storescp accepts it and stores the same data set`, async () => {
      const file = await openPart10File(fixture(name));
      const association = await connect({ host: '127.0.0.1', port, callingAeTitle: 'OURSCU', calledAeTitle: 'STORESCP', presentationContexts: proposeStorage([file]) });
      const target = join(dir, `SC.${file.sopInstanceUid}`);
      rmSync(target, { force: true });
      try {
        const rsp = await store(association, { ...file, dataSet: file.openDataSet() });
        assert.equal(rsp.status, Status.Success);
      } finally {
        await association.release();
      }
      assert.ok(dataSetPart(target).equals(atStorescp(name)), storescp.output());
    });
  }
});

describe('our SCU → serveDimse: what we send is what the file holds', () => {
  let pacs: TestPacs;
  before(async () => {
    pacs = await startTestPacs();
  });
  after(() => pacs.close());

  test('every fixture on one association, data set parts byte for byte (deflate padded to even on the wire)', async () => {
    const files = await Promise.all(FIXTURES.map((name) => openPart10File(fixture(name))));
    const association = await connect({ host: '127.0.0.1', port: pacs.port, callingAeTitle: 'OURSCU', calledAeTitle: pacs.aeTitle, presentationContexts: proposeStorage(files) });
    try {
      for (const file of files) {
        const count = pacs.stored.length;
        assert.equal((await store(association, { ...file, dataSet: file.openDataSet() })).status, Status.Success);
        const sent = dataSetPart(file.path);
        const expected = file.dataSetLength % 2 === 1 ? Buffer.concat([sent, Buffer.from([0])]) : sent;
        assert.ok(dataSetPart(pacs.stored[count]!.path).equals(expected), file.path);
      }
    } finally {
      await association.release();
    }
  });
});

describe('our SCU → DCMTK dcmqrscp (find, move, get)', () => {
  let qr: Daemon;
  let qrPort: number;
  let dest: TestPacs;
  const connectQr = (extra: Partial<Parameters<typeof connect>[0]> = {}): Promise<Association> =>
    connect({
      host: '127.0.0.1',
      port: qrPort,
      callingAeTitle: 'OURSCU',
      calledAeTitle: 'QRSCP',
      presentationContexts: proposeQuery([QueryRetrieveModel.StudyRootFind, QueryRetrieveModel.StudyRootMove, QueryRetrieveModel.StudyRootGet]),
      ...extra,
    });

  before(async () => {
    dest = await startTestPacs({ aeTitle: `DEST${Math.floor(Math.random() * 1e4)}` });
    qrPort = await freePort();
    const base = mkdtempSync(join(work, 'dcmqrscp-'));
    const storage = join(base, 'QRSCP');
    mkdirSync(storage);
    const config = join(base, 'dcmqrscp.cfg');
    writeFileSync(
      config,
      [
        `NetworkTCPPort = ${qrPort}`,
        'MaxPDUSize = 16384',
        'MaxAssociations = 16',
        'HostTable BEGIN',
        `ourdest = (${dest.aeTitle}, 127.0.0.1, ${dest.port})`,
        'HostTable END',
        'VendorTable BEGIN',
        'VendorTable END',
        'AETable BEGIN',
        `QRSCP ${storage} RW (10, 64mb) ANY`,
        'AETable END',
        '',
      ].join('\n'),
    );
    qr = await startDaemon('dcmqrscp', ['-c', config, '-dhl'], qrPort);
    const load = await run('storescu', ['-R', '-xe', '-aec', 'QRSCP', '127.0.0.1', String(qrPort), fixture('explicit-le-defined-lengths.dcm')]);
    assert.equal(load.code, 0, `${load.output}\n${qr.output()}`);
  });
  after(async () => {
    await qr.stop();
    await dest.close();
  });

  test('C-FIND (Study Root, STUDY level): one pending match, then success', async () => {
    const association = await connectQr();
    try {
      const identifier = new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x00100020, 'PID-0001').setStrings(0x0020000d, '');
      const query = find(association, QueryRetrieveModel.StudyRootFind, identifier);
      const matches: DataSet[] = [];
      for await (const m of query) matches.push(m);
      assert.equal(matches.length, 1);
      assert.equal(matches[0]!.getString(0x0020000d), STUDY_UID);
      assert.equal((await query.done).status, Status.Success);
    } finally {
      await association.release();
    }
  });

  test('C-MOVE to our SCP: progress, final counts, the object arrives byte-exact', async () => {
    const association = await connectQr();
    const count = dest.stored.length;
    try {
      const identifier = new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x0020000d, STUDY_UID);
      const operation = move(association, QueryRetrieveModel.StudyRootMove, dest.aeTitle, identifier);
      for await (const progress of operation) assert.equal(progress.status, Status.Pending);
      const outcome = await operation.done;
      assert.equal(outcome.status, Status.Success);
      assert.equal(outcome.completed, 1);
      assert.equal(outcome.failed, 0);
    } finally {
      await association.release();
    }
    const received = dest.stored[count];
    assert.ok(received);
    assert.equal(received.callingAeTitle, 'QRSCP');
    assert.ok(dataSetPart(received.path).equals(dataSetPart(fixture('explicit-le-defined-lengths.dcm'))));
  });

  test('C-MOVE to an AE dcmqrscp does not know: 0xA801 from the iterator and in done', async () => {
    const association = await connectQr();
    try {
      const operation = move(association, QueryRetrieveModel.StudyRootMove, 'NOWHERE', new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x0020000d, STUDY_UID));
      await assert.rejects(async () => {
        for await (const _ of operation) void _;
      }, /0xA801/);
      assert.equal((await operation.done).status, Status.MoveDestinationUnknown);
    } finally {
      await association.release();
    }
  });

  test('C-GET: the C-STORE sub-operation arrives on our association, byte-exact', async () => {
    const file = await openPart10File(fixture('explicit-le-defined-lengths.dcm'));
    const association = await connectQr({
      presentationContexts: [...proposeQuery([QueryRetrieveModel.StudyRootGet]), ...proposeStorage([file])],
      userInformation: scpRoleSelection([SECONDARY_CAPTURE]),
    });
    const received: Buffer[] = [];
    try {
      const operation = get(association, QueryRetrieveModel.StudyRootGet, new DataSet().setStrings(0x00080052, 'STUDY').setStrings(0x0020000d, STUDY_UID), async (request) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request.dataSet) chunks.push(chunk as Buffer);
        received.push(Buffer.concat(chunks));
        return { status: Status.Success };
      });
      const outcome = await operation.done;
      assert.equal(outcome.status, Status.Success);
      assert.equal(outcome.completed, 1);
    } finally {
      await association.release();
    }
    assert.equal(received.length, 1);
    assert.ok(received[0]!.equals(dataSetPart(fixture('explicit-le-defined-lengths.dcm'))));
  });
});
