import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { DataSet, DimseStatusError, Status } from '@pacs/dicom';
import { encodeFindMatch, encodeOutcome, QR_QUEUE_GROUP, qrSubjects, type QrRequest } from '@pacs/domain';
import { InProcessBus, type BusRequest } from '@pacs/messaging';
import { QrClient } from './qr-client';

const PATIENT_ID = 0x00100020;
const match = (id: string): DataSet => new DataSet().setStrings(PATIENT_ID, id, 'LO');
const request: QrRequest = { sopClassUid: '1.2.840.10008.5.1.4.1.2.2.1', callingAeTitle: 'SCU', calledAeTitle: 'PACS', identifier: match('') };

/** A replica that sends `sent` matches and then goes silent, as one killed -9 mid-answer does. */
async function* silentAfter(req: BusRequest, sent: DataSet[]): AsyncGenerator<Uint8Array> {
  for (const m of sent) yield encodeFindMatch(m);
  if (!req.signal.aborted) await once(req.signal, 'abort');
}

describe('QrClient C-FIND when the qr-service replica stops answering', () => {
  const bus = new InProcessBus({ drainTimeoutMs: 1_000 });
  after(() => bus.close());
  let namespace = 0;
  const client = async (handler: (req: BusRequest, call: number) => AsyncIterable<Uint8Array>): Promise<{ client: QrClient; retries: string[] }> => {
    const ns = `QRC${++namespace}`;
    let calls = 0;
    await bus.serve(qrSubjects(ns).find, QR_QUEUE_GROUP, (req) => handler(req, ++calls));
    const retries: string[] = [];
    return { client: new QrClient(bus, { namespace: ns, timeoutMs: 200, onRetry: (service) => retries.push(service) }), retries };
  };
  const ids = async (c: QrClient): Promise<string[]> => {
    const out: string[] = [];
    for await (const m of c.find(request, new AbortController().signal)) out.push(m.identifier.getString(PATIENT_ID) ?? '');
    return out;
  };

  test('asked again after some matches: each match reaches the SCU once, identical matches as often as sent', async () => {
    const { client: c, retries } = await client((req, call) =>
      call === 1
        ? silentAfter(req, [match('A'), match('B')])
        : (async function* () {
            for (const id of ['A', 'B', 'B', 'C']) yield encodeFindMatch(match(id));
            yield encodeOutcome({ status: Status.Success });
          })(),
    );
    assert.deepEqual(await ids(c), ['A', 'B', 'B', 'C']);
    assert.deepEqual(retries, ['C-FIND']);
  });

  test('a second silence is 0xA700: the SCU may retry later', async () => {
    const { client: c, retries } = await client((req) => silentAfter(req, [match('A')]));
    await assert.rejects(ids(c), (err: unknown) => err instanceof DimseStatusError && err.status === Status.OutOfResources);
    assert.deepEqual(retries, ['C-FIND']);
  });
});
