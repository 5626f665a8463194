import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet } from './data-set';
import { DicomParseError } from './errors';
import { TransferSyntaxUid } from './transfer-syntax';
import { writeDataSet } from './writer';
import { DataSetEndCheck, checkedToEnd } from './data-set-end-check';

/** Top-level elements encoded one by one, so the offsets between them are known. */
function elements(transferSyntaxUid: string): Buffer[] {
  const item = (uid: string) => new DataSet().setStrings(0x00081150, '1.2.840.10008.5.1.4.1.1.2').setStrings(0x00081155, uid);
  const nested = new DataSet().setStrings(0x00080100, 'CODE').setSequence(0x00400220, [item('1.2.3.5')], true);
  const parts = [
    new DataSet().setStrings(0x00080016, '1.2.840.10008.5.1.4.1.1.2'),
    new DataSet().setStrings(0x00080018, '1.2.3.4.5'),
    new DataSet().setSequence(0x00081110, [item('1.2.3.4'), item('1.2.3.6')], true),
    new DataSet().setSequence(0x00081111, [item('1.2.3.7')], false),
    new DataSet().setSequence(0x0040a730, [nested], true),
    new DataSet().setStrings(0x00100010, 'DOE^JANE'),
  ];
  const explicit = transferSyntaxUid !== TransferSyntaxUid.ImplicitVRLittleEndian;
  parts.push(explicit
    ? new DataSet().setFragments(0x7fe00010, [Buffer.alloc(0), Buffer.alloc(30, 1), Buffer.alloc(6, 2)])
    : new DataSet().setBytes(0x7fe00010, 'OW', Buffer.alloc(40, 3)));
  parts.push(new DataSet().setBytes(0xfffcfffc, 'OB', Buffer.alloc(4)));
  return parts.map((ds) => writeDataSet(ds, transferSyntaxUid));
}

function endsCleanly(bytes: Buffer, transferSyntaxUid: string, chunk = bytes.length): boolean {
  const check = new DataSetEndCheck(transferSyntaxUid);
  for (let i = 0; i < bytes.length; i += Math.max(chunk, 1)) check.push(bytes.subarray(i, i + chunk));
  try {
    check.end();
    return true;
  } catch (err) {
    assert.ok(err instanceof DicomParseError);
    return false;
  }
}

describe('DataSetEndCheck: a data set ends between two top-level elements (PS3.5 §7.1, §7.5)', () => {
  for (const ts of [TransferSyntaxUid.ExplicitVRLittleEndian, TransferSyntaxUid.ImplicitVRLittleEndian, TransferSyntaxUid.ExplicitVRBigEndian]) {
    test(`${ts}: every cut is detected unless it falls between top-level elements`, () => {
      const parts = elements(ts);
      const whole = Buffer.concat(parts);
      const boundaries = new Set<number>([0]);
      parts.reduce((offset, p) => (boundaries.add(offset + p.length), offset + p.length), 0);
      for (let cut = 0; cut <= whole.length; cut++) {
        assert.equal(endsCleanly(whole.subarray(0, cut), ts, 7), boundaries.has(cut), `cut at ${cut} of ${whole.length}`);
      }
    });
  }

  test('chunking does not matter: one byte at a time', () => {
    const whole = Buffer.concat(elements(TransferSyntaxUid.ExplicitVRLittleEndian));
    assert.equal(endsCleanly(whole, TransferSyntaxUid.ExplicitVRLittleEndian, 1), true);
    assert.equal(endsCleanly(whole.subarray(0, whole.length - 3), TransferSyntaxUid.ExplicitVRLittleEndian, 1), false);
  });

  test('a delimiter without its sequence is unexpected-tag', () => {
    const check = new DataSetEndCheck(TransferSyntaxUid.ExplicitVRLittleEndian);
    assert.throws(() => check.push(Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0])), (e: unknown) => e instanceof DicomParseError && e.reason === 'unexpected-tag');
  });

  test('checkedToEnd: the chunks pass unchanged, a cut data set fails at its end', async () => {
    const whole = Buffer.concat(elements(TransferSyntaxUid.ExplicitVRLittleEndian));
    const iterate = async (bytes: Buffer): Promise<Buffer> => {
      const chunks = [bytes.subarray(0, 50), bytes.subarray(50)][Symbol.iterator]();
      const checked = checkedToEnd({ next: async () => chunks.next() }, TransferSyntaxUid.ExplicitVRLittleEndian);
      const out: Buffer[] = [];
      for (let next = await checked.next(); !next.done; next = await checked.next()) out.push(next.value);
      return Buffer.concat(out);
    };
    assert.ok((await iterate(whole)).equals(whole));
    await assert.rejects(iterate(whole.subarray(0, whole.length - 10)), (e: unknown) => e instanceof DicomParseError && e.reason === 'truncated');
  });
});
