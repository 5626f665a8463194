import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TransferSyntaxUid } from '../core';
import type { AAssociateRq } from '../pdu';
import { negotiateAssociation, type NegotiationResult } from '../ul';
import { AcceptanceConfigError, defaultAcceptancePolicy } from './acceptance';
import { QueryRetrieveModel } from './sop-classes';
import { selectProposedTransferSyntax, STORAGE_TRANSFER_SYNTAXES } from './transfer-syntax-preference';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';
const { ImplicitVRLittleEndian: IMPLICIT, ExplicitVRLittleEndian: EXPLICIT, ExplicitVRBigEndian: BIG, JPEG2000Lossless: J2K } = TransferSyntaxUid;

const rq = (contexts: { id: number; abstractSyntax: string; transferSyntaxes: string[] }[], called = 'PACS', calling = 'CT1'): AAssociateRq => ({
  type: 'A-ASSOCIATE-RQ',
  protocolVersion: 1,
  calledAeTitle: called,
  callingAeTitle: calling,
  applicationContextName: '1.2.840.10008.3.1.1.1',
  presentationContexts: contexts,
  userInformation: [{ type: 'maximum-length', maximumLength: 16384 }],
});

const accepted = (r: NegotiationResult, id: number): string | undefined => {
  assert.ok(r.accepted);
  const pc = r.ac.presentationContexts.find((p) => p.id === id);
  return pc?.result === 0 ? pc.transferSyntax : `rejected ${pc?.result}`;
};

describe('selectProposedTransferSyntax: we store what the sender has', () => {
  test('the first proposed syntax we accept, Explicit VR LE over Implicit when both are offered', () => {
    assert.equal(selectProposedTransferSyntax([IMPLICIT, EXPLICIT], STORAGE_TRANSFER_SYNTAXES), EXPLICIT);
    assert.equal(selectProposedTransferSyntax([IMPLICIT], STORAGE_TRANSFER_SYNTAXES), IMPLICIT);
    assert.equal(selectProposedTransferSyntax([BIG, EXPLICIT, IMPLICIT], STORAGE_TRANSFER_SYNTAXES), BIG);
    assert.equal(selectProposedTransferSyntax([J2K, EXPLICIT], STORAGE_TRANSFER_SYNTAXES), J2K);
    assert.equal(selectProposedTransferSyntax(['1.2.3.4.5.6'], STORAGE_TRANSFER_SYNTAXES), undefined);
  });
});

describe('defaultAcceptancePolicy', () => {
  const policy = defaultAcceptancePolicy({ aeTitle: 'PACS', acceptUnknownCallingAe: true });

  test('storage contexts keep the proposed syntax; encapsulated ones pass through; Q/R and Verification accepted', () => {
    const r = negotiateAssociation(
      rq([
        { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [IMPLICIT] },
        { id: 3, abstractSyntax: CT, transferSyntaxes: [IMPLICIT, EXPLICIT] },
        { id: 5, abstractSyntax: CT, transferSyntaxes: [JPEG_BASELINE] },
        { id: 7, abstractSyntax: QueryRetrieveModel.PatientStudyOnlyFind, transferSyntaxes: [IMPLICIT, EXPLICIT] },
        { id: 9, abstractSyntax: '1.2.3.4.5', transferSyntaxes: [EXPLICIT] },
        { id: 11, abstractSyntax: CT, transferSyntaxes: ['1.2.3.4.5.6'] },
      ]),
      policy,
    );
    assert.equal(accepted(r, 1), IMPLICIT);
    assert.equal(accepted(r, 3), EXPLICIT);
    assert.equal(accepted(r, 5), JPEG_BASELINE);
    assert.equal(accepted(r, 7), EXPLICIT);
    assert.equal(accepted(r, 9), 'rejected 3');
    assert.equal(accepted(r, 11), 'rejected 4');
  });

  test('called AE title not ours → 1/1/7; calling AE check when unknown AEs are refused → 1/1/3', () => {
    const r = negotiateAssociation(rq([{ id: 1, abstractSyntax: CT, transferSyntaxes: [EXPLICIT] }], 'OTHER'), policy);
    assert.ok(!r.accepted);
    assert.deepEqual([r.rj.result, r.rj.source, r.rj.reason], [1, 1, 7]);
    const strict = defaultAcceptancePolicy({ aeTitle: ['PACS', 'PACS2'], acceptUnknownCallingAe: false, callingAeCheck: (calling) => calling === 'KNOWN' });
    const refused = negotiateAssociation(rq([{ id: 1, abstractSyntax: CT, transferSyntaxes: [EXPLICIT] }], 'PACS2', 'STRANGER'), strict);
    assert.ok(!refused.accepted);
    assert.deepEqual([refused.rj.result, refused.rj.source, refused.rj.reason], [1, 1, 3]);
    assert.ok(negotiateAssociation(rq([{ id: 1, abstractSyntax: CT, transferSyntaxes: [EXPLICIT] }], 'PACS2', 'KNOWN'), strict).accepted);
  });

  test('refusing unknown calling AEs without a check is a configuration error naming the key', () => {
    assert.throws(() => defaultAcceptancePolicy({ aeTitle: 'PACS', acceptUnknownCallingAe: false }), (e) => e instanceof AcceptanceConfigError && e.key === 'callingAeCheck');
    assert.throws(() => defaultAcceptancePolicy({ aeTitle: [], acceptUnknownCallingAe: true }), AcceptanceConfigError);
  });
});
