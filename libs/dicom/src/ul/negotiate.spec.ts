import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { decodePdu, findUserInformation, filterUserInformation, type AAssociateRq, type AAssociateAc } from '../pdu';
import { negotiateAssociation, type AcceptancePolicy, type NegotiationResult } from './negotiate';

const VERIFICATION = '1.2.840.10008.1.1';
const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';

const policy: AcceptancePolicy = {
  calledAeTitles: ['PACS'],
  abstractSyntaxes: [
    { abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
    { abstractSyntax: CT, transferSyntaxes: [JPEG_LOSSLESS, EXPLICIT, IMPLICIT] },
  ],
  maxPduLength: 65536,
  implementationClassUid: '1.2.826.0.1.3680043.9.7433.1',
  implementationVersionName: 'PACS_0_1',
};

const rq = (over: Partial<AAssociateRq> = {}): AAssociateRq => ({
  type: 'A-ASSOCIATE-RQ',
  protocolVersion: 1,
  calledAeTitle: 'PACS',
  callingAeTitle: 'CT1',
  applicationContextName: '1.2.840.10008.3.1.1.1',
  presentationContexts: [
    { id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
    { id: 3, abstractSyntax: CT, transferSyntaxes: [IMPLICIT, EXPLICIT] },
    { id: 5, abstractSyntax: MR, transferSyntaxes: [IMPLICIT] },
    { id: 7, abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.4.50'] },
  ],
  userInformation: [{ type: 'maximum-length', maximumLength: 16384 }],
  ...over,
});

function acOf(r: NegotiationResult): AAssociateAc {
  assert.ok(r.accepted, r.accepted ? '' : `rejected: ${JSON.stringify(r.rj)}`);
  return r.ac;
}

function rjOf(r: NegotiationResult): [number, number, number] {
  assert.ok(!r.accepted, 'expected a rejection');
  return [r.rj.result, r.rj.source, r.rj.reason];
}

describe('A-ASSOCIATE-RJ (PS3.8 §9.3.4)', () => {
  test('wrong called AE title → rejected-permanent, service-user, called-AE-title-not-recognized (7)', () => {
    assert.deepEqual(rjOf(negotiateAssociation(rq({ calledAeTitle: 'OTHER' }), policy)), [1, 1, 7]);
  });

  test('called AE titles compare without padding spaces', () => {
    acOf(negotiateAssociation(rq({ calledAeTitle: ' PACS ' }), policy));
  });

  test('no called AE list accepts any called AE title', () => {
    acOf(negotiateAssociation(rq({ calledAeTitle: 'ANY-SCP' }), { ...policy, calledAeTitles: undefined }));
  });

  test('calling AE hook says no → calling-AE-title-not-recognized (3)', () => {
    const seen: string[] = [];
    const r = negotiateAssociation(rq(), {
      ...policy,
      checkCallingAeTitle: (calling, called) => {
        seen.push(`${calling}->${called}`);
        return false;
      },
    });
    assert.deepEqual(rjOf(r), [1, 1, 3]);
    assert.deepEqual(seen, ['CT1->PACS']);
  });

  test('other application context → application-context-name-not-supported (2)', () => {
    assert.deepEqual(rjOf(negotiateAssociation(rq({ applicationContextName: '1.2.3' }), policy)), [1, 1, 2]);
  });

  test('protocol version without bit 0 → service-provider (ACSE), protocol-version-not-supported (2)', () => {
    assert.deepEqual(rjOf(negotiateAssociation(rq({ protocolVersion: 2 }), policy)), [1, 2, 2]);
  });

  test('user identity refused → service-user, no-reason-given (1)', () => {
    const r = negotiateAssociation(rq(), { ...policy, checkUserIdentity: () => ({ accepted: false }) });
    assert.deepEqual(rjOf(r), [1, 1, 1]);
  });
});

describe('presentation contexts (PS3.8 §9.3.3.2)', () => {
  test('per-context results and our transfer syntax preference', () => {
    const ac = acOf(negotiateAssociation(rq(), policy));
    assert.deepEqual(
      ac.presentationContexts.map((pc) => [pc.id, pc.result, pc.result === 0 ? pc.transferSyntax : '-']),
      [
        [1, 0, IMPLICIT],
        [3, 0, EXPLICIT],
        [5, 3, '-'],
        [7, 4, '-'],
      ],
    );
  });

  test('rejected contexts still carry a transfer syntax sub-item (as DCMTK sends)', () => {
    const ac = acOf(negotiateAssociation(rq(), policy));
    assert.ok(ac.presentationContexts.every((pc) => pc.transferSyntax !== undefined));
  });

  test('even or duplicate ids → result 2 (no-reason)', () => {
    const pcs = [
      { id: 2, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
      { id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
      { id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
    ];
    const ac = acOf(negotiateAssociation(rq({ presentationContexts: pcs }), policy));
    assert.deepEqual(ac.presentationContexts.map((pc) => pc.result), [2, 0, 2]);
  });

  test('the AC echoes the AE titles and answers with our user information', () => {
    const r = negotiateAssociation(rq(), policy);
    const ac = acOf(r);
    assert.equal(ac.calledAeTitle, 'PACS');
    assert.equal(ac.callingAeTitle, 'CT1');
    assert.equal(findUserInformation(ac.userInformation, 'maximum-length')?.maximumLength, 65536);
    assert.equal(findUserInformation(ac.userInformation, 'implementation-class-uid')?.implementationClassUid, policy.implementationClassUid);
    assert.equal(findUserInformation(ac.userInformation, 'implementation-version-name')?.implementationVersionName, 'PACS_0_1');
    assert.ok(r.accepted);
    assert.deepEqual([...r.negotiated.contexts.keys()], [1, 3]);
    assert.equal(r.negotiated.requestorMaxPduLength, 16384);
    assert.equal(r.negotiated.contexts.get(3)?.transferSyntax, EXPLICIT);
  });
});

describe('user information negotiation (PS3.7 Annex D.3.3)', () => {
  const getscuRq = decodePdu(readFileSync(new URL('../../../../test/fixtures/pdu/getscu.01.scu.a-associate-rq.bin', import.meta.url))) as AAssociateRq;
  const storage = [...new Set(getscuRq.presentationContexts.map((pc) => pc.abstractSyntax))].map((abstractSyntax) => ({
    abstractSyntax,
    transferSyntaxes: [EXPLICIT, IMPLICIT],
  }));

  test('getscu role selection: SCP role granted by default for accepted SOP classes only', () => {
    const some = storage.slice(0, 5);
    const r = negotiateAssociation({ ...getscuRq, calledAeTitle: 'PACS' }, { ...policy, abstractSyntaxes: some });
    const ac = acOf(r);
    const roles = filterUserInformation(ac.userInformation, 'role-selection');
    const acceptedSops = new Set(some.map((s) => s.abstractSyntax));
    assert.ok(roles.length > 0);
    assert.ok(roles.every((role) => acceptedSops.has(role.sopClassUid) && role.scpRole && !role.scuRole));
    assert.ok(r.accepted);
    assert.ok([...r.negotiated.contexts.values()].some((c) => c.requestorIsScp));
  });

  test('a role selection policy can refuse the SCP role', () => {
    const ac = acOf(
      negotiateAssociation({ ...getscuRq, calledAeTitle: 'PACS' }, { ...policy, abstractSyntaxes: storage, roleSelection: () => ({ scuRole: true, scpRole: false }) }),
    );
    assert.ok(filterUserInformation(ac.userInformation, 'role-selection').every((role) => !role.scpRole && !role.scuRole));
  });

  test('asynchronous operations window: only lowered, 0 = unlimited', () => {
    const withWindow = rq({
      userInformation: [
        { type: 'maximum-length', maximumLength: 0 },
        { type: 'asynchronous-operations-window', maxOperationsInvoked: 10, maxOperationsPerformed: 0 },
      ],
    });
    const ac = acOf(negotiateAssociation(withWindow, { ...policy, maxOperationsPerformed: 4, maxOperationsInvoked: 2 }));
    assert.deepEqual(findUserInformation(ac.userInformation, 'asynchronous-operations-window'), {
      type: 'asynchronous-operations-window',
      maxOperationsInvoked: 4,
      maxOperationsPerformed: 2,
    });
    assert.equal(findUserInformation(acOf(negotiateAssociation(rq(), policy)).userInformation, 'asynchronous-operations-window'), undefined);
  });

  test('user identity with positive response requested → 59H in the AC', () => {
    const withIdentity = rq({
      userInformation: [
        { type: 'maximum-length', maximumLength: 0 },
        { type: 'user-identity-rq', userIdentityType: 2, positiveResponseRequested: true, primaryField: Buffer.from('alice'), secondaryField: Buffer.from('secret') },
      ],
    });
    const checked: string[] = [];
    const ac = acOf(
      negotiateAssociation(withIdentity, {
        ...policy,
        checkUserIdentity: (id) => {
          checked.push(`${id?.primaryField.toString()}:${id?.secondaryField.toString()}`);
          return { accepted: true };
        },
      }),
    );
    assert.deepEqual(checked, ['alice:secret']);
    assert.deepEqual(findUserInformation(ac.userInformation, 'user-identity-ac'), { type: 'user-identity-ac', serverResponse: Buffer.alloc(0) });
  });

  test('SOP class extended negotiation answered only when the policy says so', () => {
    const withExt = rq({
      userInformation: [
        { type: 'maximum-length', maximumLength: 0 },
        { type: 'sop-class-extended-negotiation', sopClassUid: CT, serviceClassApplicationInformation: Buffer.from([1]) },
      ],
    });
    const ac = acOf(negotiateAssociation(withExt, { ...policy, extendedNegotiation: (_sop, info) => Buffer.from([info[0]! & 0]) }));
    assert.deepEqual(filterUserInformation(ac.userInformation, 'sop-class-extended-negotiation'), [
      { type: 'sop-class-extended-negotiation', sopClassUid: CT, serviceClassApplicationInformation: Buffer.from([0]) },
    ]);
  });

  test('selectTransferSyntax picks from the proposal; an answer outside both lists rejects the context (4)', () => {
    const lastProposed = (proposed: readonly string[]): string | undefined => proposed[proposed.length - 1];
    const viaHook: AcceptancePolicy = {
      ...policy,
      abstractSyntaxes: [{ abstractSyntax: CT, transferSyntaxes: [EXPLICIT, IMPLICIT], selectTransferSyntax: lastProposed }],
    };
    const ac = acOf(negotiateAssociation(rq(), viaHook));
    assert.deepEqual(ac.presentationContexts.find((pc) => pc.id === 3), { id: 3, result: 0, transferSyntax: EXPLICIT });
    const outside: AcceptancePolicy = {
      ...policy,
      abstractSyntaxes: [{ abstractSyntax: CT, transferSyntaxes: [EXPLICIT], selectTransferSyntax: () => IMPLICIT }],
    };
    assert.equal(acOf(negotiateAssociation(rq(), outside)).presentationContexts.find((pc) => pc.id === 3)?.result, 4);
  });
});
