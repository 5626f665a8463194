import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommandSet, DimseCommandError, encodeCommandSet } from './command-set';
import { CommandField, Priority } from './command-field';
import {
  cCancelRq, cEchoRq, cEchoRsp, cFindRq, cFindRsp, cGetRq, cGetRsp, cMoveRq, cMoveRsp, cStoreRq, cStoreRsp,
  nActionRq, nActionRsp, nCreateRq, nCreateRsp, nDeleteRq, nDeleteRsp, nEventReportRq, nEventReportRsp,
  nGetRq, nGetRsp, nSetRq, nSetRsp, type DimseMessage,
} from './messages';
import { DicomParseError } from '../../core';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('PS3.7 §9.3 command sets (Implicit VR LE, group length computed)', () => {
  test('C-ECHO-RQ is byte-identical to what DCMTK echoscu 3.6.7 sends (captured over TCP)', () => {
    const captured = hex(`
      00000000 04000000 38000000
      00000200 12000000 312e322e3834302e31303030382e312e3100
      00000001 02000000 3000
      00001001 02000000 0100
      00000008 02000000 0101`);
    assert.ok(encodeCommandSet(cEchoRq({ messageId: 1 })).equals(captured));
    assert.deepStrictEqual(decodeCommandSet(captured), cEchoRq({ messageId: 1 }));
  });

  test('C-STORE-RQ is byte-identical to what DCMTK storescu 3.6.7 sends (captured over TCP)', () => {
    const captured = hex(`
      00000000 04000000 70000000
      00000200 1a000000 312e322e3834302e31303030382e352e312e342e312e312e3700
      00000001 02000000 0100
      00001001 02000000 0100
      00000007 02000000 0000
      00000008 02000000 0100
      00000010 1e000000 312e322e3832362e302e312e333638303034332e31302e3534332e312e31`);
    const rq = cStoreRq({ messageId: 1, affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.7', affectedSopInstanceUid: '1.2.826.0.1.3680043.10.543.1.1' });
    assert.ok(encodeCommandSet(rq).equals(captured));
    assert.deepStrictEqual(decodeCommandSet(captured), rq);
  });

  test('C-ECHO-RSP derived by hand from PS3.7 Table 9.3-13', () => {
    const expected = hex(`
      00000000 04000000 42000000
      00000200 12000000 312e322e3834302e31303030382e312e3100
      00000001 02000000 3080
      00002001 02000000 0100
      00000008 02000000 0101
      00000009 02000000 0000`);
    assert.ok(encodeCommandSet(cEchoRsp({ messageIdBeingRespondedTo: 1 })).equals(expected));
  });

  test('C-MOVE-RSP carries the sub-operation counts (0000,1020-1023)', () => {
    const rsp = cMoveRsp({
      messageIdBeingRespondedTo: 7, status: 0xff00, affectedSopClassUid: '1.2.840.10008.5.1.4.1.2.2.2',
      numberOfRemainingSuboperations: 3, numberOfCompletedSuboperations: 2, numberOfFailedSuboperations: 1, numberOfWarningSuboperations: 0,
    });
    const bytes = encodeCommandSet(rsp);
    assert.equal(bytes.readUInt32LE(8), bytes.length - 12);
    assert.ok(bytes.includes(hex('00002010 02000000 0300')));
    assert.ok(bytes.includes(hex('00002310 02000000 0000')));
    assert.deepStrictEqual(decodeCommandSet(bytes), rsp);
  });

  const all: DimseMessage[] = [
    cEchoRq({ messageId: 1 }),
    cEchoRsp({ messageIdBeingRespondedTo: 1 }),
    cStoreRq({ messageId: 2, affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.2', affectedSopInstanceUid: '1.2.3.4', moveOriginatorApplicationEntityTitle: 'MOVESCU', moveOriginatorMessageId: 9 }),
    cStoreRsp({ messageIdBeingRespondedTo: 2, status: 0xb000, affectedSopClassUid: '1.2.840.10008.5.1.4.1.1.2', affectedSopInstanceUid: '1.2.3.4', offendingElement: [0x00100010], errorComment: 'coerced' }),
    cFindRq({ messageId: 3, affectedSopClassUid: '1.2.840.10008.5.1.4.1.2.2.1', priority: Priority.HIGH }),
    cFindRsp({ messageIdBeingRespondedTo: 3, status: 0xff00 }),
    cFindRsp({ messageIdBeingRespondedTo: 3, status: 0x0000 }),
    cGetRq({ messageId: 4, affectedSopClassUid: '1.2.840.10008.5.1.4.1.2.2.3' }),
    cGetRsp({ messageIdBeingRespondedTo: 4, status: 0xa702, numberOfFailedSuboperations: 5 }),
    cMoveRq({ messageId: 5, affectedSopClassUid: '1.2.840.10008.5.1.4.1.2.2.2', moveDestination: 'STORESCP', priority: Priority.LOW }),
    cCancelRq({ messageIdBeingRespondedTo: 5 }),
    nEventReportRq({ messageId: 6, affectedSopClassUid: '1.2.840.10008.1.20.1', affectedSopInstanceUid: '1.2.840.10008.1.20.1.1', eventTypeId: 1, hasDataSet: true }),
    nEventReportRsp({ messageIdBeingRespondedTo: 6, status: 0 }),
    nGetRq({ messageId: 7, requestedSopClassUid: '1.2.3', requestedSopInstanceUid: '1.2.3.4', attributeIdentifierList: [0x00100010, 0x00100020] }),
    nGetRsp({ messageIdBeingRespondedTo: 7, status: 0x0112, errorId: 1 }),
    nSetRq({ messageId: 8, requestedSopClassUid: '1.2.3', requestedSopInstanceUid: '1.2.3.4' }),
    nSetRsp({ messageIdBeingRespondedTo: 8, status: 0 }),
    nActionRq({ messageId: 9, requestedSopClassUid: '1.2.840.10008.1.20.1', requestedSopInstanceUid: '1.2.840.10008.1.20.1.1', actionTypeId: 1, hasDataSet: true }),
    nActionRsp({ messageIdBeingRespondedTo: 9, status: 0, actionTypeId: 1 }),
    nCreateRq({ messageId: 10, affectedSopClassUid: '1.2.840.10008.3.1.2.3.3', affectedSopInstanceUid: '1.2.9', hasDataSet: true }),
    nCreateRsp({ messageIdBeingRespondedTo: 10, status: 0 }),
    nDeleteRq({ messageId: 11, requestedSopClassUid: '1.2.3', requestedSopInstanceUid: '1.2.3.4' }),
    nDeleteRsp({ messageIdBeingRespondedTo: 11, status: 0 }),
  ];
  for (const message of all) {
    test(`0x${message.commandField.toString(16).padStart(4, '0')}: decode(encode(message)) == message`, () => {
      const bytes = encodeCommandSet(message);
      assert.equal(bytes.length % 2, 0);
      assert.deepStrictEqual(decodeCommandSet(bytes), message);
    });
  }

  test('Command Data Set Type 0x0101 means no data set, anything else means one follows', () => {
    assert.equal(cFindRsp({ messageIdBeingRespondedTo: 1, status: 0xff00 }).hasDataSet, true);
    assert.equal(cFindRsp({ messageIdBeingRespondedTo: 1, status: 0x0000 }).hasDataSet, false);
    const withOther = hex('00000000 04000000 28000000 00000001 02000000 2080 00002001 02000000 0100 00000008 02000000 fefe 00000009 02000000 00ff');
    assert.equal(decodeCommandSet(withOther).hasDataSet, true);
  });

  test('a missing mandatory element is a DimseCommandError naming it', () => {
    const noUid = hex('00000000 04000000 1e000000 00000001 02000000 0100 00001001 02000000 0100 00000008 02000000 0101 00000007 02000000 0000');
    assert.throws(() => decodeCommandSet(noUid), (e) => e instanceof DimseCommandError && e.element === 'affectedSopClassUid' && e.commandField === CommandField.C_STORE_RQ);
    const unknown = hex('00000000 04000000 0a000000 00000001 02000000 9999');
    assert.throws(() => decodeCommandSet(unknown), (e) => e instanceof DimseCommandError && e.element === 'commandField');
  });

  test('truncated command bytes are a DicomParseError', () => {
    const bytes = encodeCommandSet(cEchoRq({ messageId: 1 }));
    assert.throws(() => decodeCommandSet(bytes.subarray(0, bytes.length - 1)), DicomParseError);
  });
});
