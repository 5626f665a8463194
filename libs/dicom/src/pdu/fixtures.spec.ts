// Golden fixtures captured from DCMTK 3.6.7 (see test/fixtures/pdu/README.md).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { decodePdu, encodePdu } from './pdu-codec';
import { PduReader } from './pdu-reader';
import type { AAssociateAc, AAssociateRj, AAssociateRq, PDataTf, Pdu } from './pdu-types';
import { filterUserInformation, findUserInformation } from './user-information';

const dir = new URL('../../../../test/fixtures/pdu/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, dir));
const files = readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();

const DCMTK_CLASS_UID = '1.2.276.0.7230010.3.0.3.6.7';
const VERIFICATION = '1.2.840.10008.1.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

const as = <T extends Pdu>(pdu: Pdu, type: T['type']): T => {
  assert.equal(pdu.type, type);
  return pdu as T;
};

describe('golden PDU fixtures: encode(decode(bytes)) is byte-identical', () => {
  test('fixtures are present', () => assert.ok(files.length >= 20, `${files.length} fixtures`));
  for (const file of files) {
    test(file, () => {
      const bytes = fixture(file);
      assert.deepEqual(encodePdu(decodePdu(bytes)), bytes);
    });
  }
});

describe('golden PDU fixtures through PduReader', () => {
  for (const file of files) {
    test(`${file} split into 1-byte chunks decodes like the whole`, () => {
      const bytes = fixture(file);
      const reader = new PduReader();
      const out: Pdu[] = [];
      for (let i = 0; i < bytes.length; i++) out.push(...reader.push(bytes.subarray(i, i + 1)));
      assert.equal(out.length, 1);
      assert.deepEqual(out[0], decodePdu(bytes));
      assert.ok(reader.idle);
    });
  }
});

describe('decoded fields', () => {
  test('echoscu A-ASSOCIATE-RQ', () => {
    const rq = as<AAssociateRq>(decodePdu(fixture('echoscu.01.scu.a-associate-rq.bin')), 'A-ASSOCIATE-RQ');
    assert.equal(rq.protocolVersion, 1);
    assert.equal(rq.calledAeTitle, 'STORESCP');
    assert.equal(rq.callingAeTitle, 'ECHOSCU');
    assert.equal(rq.applicationContextName, '1.2.840.10008.3.1.1.1');
    assert.deepEqual(rq.presentationContexts, [
      { id: 1, reservedByte7: 0xff, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT_LE] },
    ]);
    assert.deepEqual(rq.userInformation, [
      { type: 'maximum-length', maximumLength: 16384 },
      { type: 'implementation-class-uid', implementationClassUid: DCMTK_CLASS_UID },
      { type: 'implementation-version-name', implementationVersionName: 'OFFIS_DCMTK_367' },
    ]);
  });

  test('storescp A-ASSOCIATE-AC for echoscu', () => {
    const ac = as<AAssociateAc>(decodePdu(fixture('echoscu.02.scp.a-associate-ac.bin')), 'A-ASSOCIATE-AC');
    assert.equal(ac.calledAeTitle, 'STORESCP');
    assert.equal(ac.callingAeTitle, 'ECHOSCU');
    assert.deepEqual(ac.presentationContexts, [{ id: 1, result: 0, transferSyntax: IMPLICIT_LE }]);
    assert.equal(findUserInformation(ac.userInformation, 'maximum-length')?.maximumLength, 16384);
  });

  test('C-ECHO-RQ and C-ECHO-RSP P-DATA-TF: one last command fragment each', () => {
    for (const [file, length] of [['echoscu.03.scu.p-data-tf.bin', 68], ['echoscu.04.scp.p-data-tf.bin', 78]] as const) {
      const bytes = fixture(file);
      const p = as<PDataTf>(decodePdu(bytes), 'P-DATA-TF');
      assert.equal(p.pdvs.length, 1);
      const [pdv] = p.pdvs;
      assert.equal(pdv!.presentationContextId, 1);
      assert.equal(pdv!.isCommand, true);
      assert.equal(pdv!.isLast, true);
      assert.equal(pdv!.data.length, length);
      assert.equal(pdv!.data.buffer, bytes.buffer, 'PDV data is a view into the PDU, not a copy');
      assert.ok(pdv!.data.includes(Buffer.from(VERIFICATION)));
    }
  });

  test('storescu C-STORE: command PDV then data PDV on the same context', () => {
    const cmd = as<PDataTf>(decodePdu(fixture('storescu.03.scu.p-data-tf.bin')), 'P-DATA-TF');
    const data = as<PDataTf>(decodePdu(fixture('storescu.04.scu.p-data-tf.bin')), 'P-DATA-TF');
    assert.deepEqual(cmd.pdvs.map((p) => [p.isCommand, p.isLast]), [[true, true]]);
    assert.deepEqual(data.pdvs.map((p) => [p.isCommand, p.isLast]), [[false, true]]);
    assert.equal(cmd.pdvs[0]!.presentationContextId, data.pdvs[0]!.presentationContextId);
    assert.ok(data.pdvs[0]!.data.includes(Buffer.from('Fixture^Pdu')));
  });

  test('A-RELEASE-RQ/RP and A-ABORT', () => {
    assert.deepEqual(decodePdu(fixture('echoscu.05.scu.a-release-rq.bin')), { type: 'A-RELEASE-RQ' });
    assert.deepEqual(decodePdu(fixture('echoscu.06.scp.a-release-rp.bin')), { type: 'A-RELEASE-RP' });
    assert.deepEqual(decodePdu(fixture('echoscu-abort.05.scu.a-abort.bin')), { type: 'A-ABORT', source: 0, reason: 0 });
    assert.deepEqual(decodePdu(fixture('storescp-abort-after.05.scp.a-abort.bin')), { type: 'A-ABORT', source: 0, reason: 0 });
  });

  test('storescp --refuse: A-ASSOCIATE-RJ rejected-permanent, service-user, no-reason-given', () => {
    const rj = as<AAssociateRj>(decodePdu(fixture('storescp-refuse.02.scp.a-associate-rj.bin')), 'A-ASSOCIATE-RJ');
    assert.deepEqual(rj, { type: 'A-ASSOCIATE-RJ', result: 1, source: 1, reason: 1 });
  });

  test('storescu A-ASSOCIATE-RQ proposes 128 presentation contexts with odd ids', () => {
    const rq = as<AAssociateRq>(decodePdu(fixture('storescu.01.scu.a-associate-rq.bin')), 'A-ASSOCIATE-RQ');
    assert.equal(rq.presentationContexts.length, 128);
    assert.deepEqual(rq.presentationContexts.map((pc) => pc.id), Array.from({ length: 128 }, (_, i) => 2 * i + 1));
    assert.ok(rq.presentationContexts.some((pc) => pc.abstractSyntax === '1.2.840.10008.5.1.4.1.1.7'));
    const ac = as<AAssociateAc>(decodePdu(fixture('storescu.02.scp.a-associate-ac.bin')), 'A-ASSOCIATE-AC');
    assert.equal(ac.presentationContexts.length, 128);
  });

  test('storescu --user alice --password secret: User Identity RQ type 2', () => {
    const rq = as<AAssociateRq>(decodePdu(fixture('storescu-user.01.scu.a-associate-rq.bin')), 'A-ASSOCIATE-RQ');
    const id = findUserInformation(rq.userInformation, 'user-identity-rq');
    assert.ok(id);
    assert.equal(id.userIdentityType, 2);
    assert.equal(id.positiveResponseRequested, false);
    assert.equal(id.primaryField.toString(), 'alice');
    assert.equal(id.secondaryField.toString(), 'secret');
  });

  test('getscu: SCP/SCU Role Selection items, C-GET context rejected by storescp', () => {
    const rq = as<AAssociateRq>(decodePdu(fixture('getscu.01.scu.a-associate-rq.bin')), 'A-ASSOCIATE-RQ');
    assert.equal(rq.presentationContexts[0]!.abstractSyntax, '1.2.840.10008.5.1.4.1.2.1.3');
    const roles = filterUserInformation(rq.userInformation, 'role-selection');
    assert.ok(roles.length > 10);
    for (const role of roles) {
      assert.equal(role.scuRole, false);
      assert.equal(role.scpRole, true);
    }
    assert.ok(roles.some((r) => r.sopClassUid === '1.2.840.10008.5.1.4.1.1.2'));
    const ac = as<AAssociateAc>(decodePdu(fixture('getscu.02.scp.a-associate-ac.bin')), 'A-ASSOCIATE-AC');
    assert.deepEqual(ac.presentationContexts[0], { id: 1, result: 3, transferSyntax: IMPLICIT_LE });
    assert.equal(ac.presentationContexts[1]!.result, 0);
    assert.equal(ac.presentationContexts[1]!.transferSyntax, EXPLICIT_LE);
  });

  test('hand-made: User Identity AC', () => {
    const ac = as<AAssociateAc>(decodePdu(fixture('handmade.user-identity.a-associate-ac.bin')), 'A-ASSOCIATE-AC');
    const id = findUserInformation(ac.userInformation, 'user-identity-ac');
    assert.ok(id);
    assert.equal(id.serverResponse.length, 0);
  });

  test('hand-made: every User Information sub-item type, unknown 7FH kept', () => {
    const rq = as<AAssociateRq>(decodePdu(fixture('handmade.all-sub-items.a-associate-rq.bin')), 'A-ASSOCIATE-RQ');
    assert.equal(rq.calledAeTitle, 'PACS');
    assert.equal(rq.callingAeTitle, 'MODALITY');
    assert.deepEqual(rq.presentationContexts, [
      { id: 1, abstractSyntax: '1.2.840.10008.5.1.4.1.2.2.1', transferSyntaxes: [EXPLICIT_LE, IMPLICIT_LE] },
    ]);
    const ui = rq.userInformation;
    assert.deepEqual(ui.map((i) => i.type), [
      'maximum-length',
      'implementation-class-uid',
      'asynchronous-operations-window',
      'role-selection',
      'implementation-version-name',
      'sop-class-extended-negotiation',
      'sop-class-common-extended-negotiation',
      'user-identity-rq',
      'unknown',
    ]);
    assert.deepEqual(ui[2], { type: 'asynchronous-operations-window', maxOperationsInvoked: 5, maxOperationsPerformed: 3 });
    assert.deepEqual(ui[3], { type: 'role-selection', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', scuRole: true, scpRole: true });
    assert.deepEqual(ui[5], {
      type: 'sop-class-extended-negotiation',
      sopClassUid: '1.2.840.10008.5.1.4.1.2.2.1',
      serviceClassApplicationInformation: Buffer.from([1, 1, 0]),
    });
    assert.deepEqual(ui[6], {
      type: 'sop-class-common-extended-negotiation',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2.1',
      serviceClassUid: '1.2.840.10008.4.2',
      relatedGeneralSopClassUids: ['1.2.840.10008.5.1.4.1.1.2'],
    });
    const id = ui[7];
    assert.equal(id?.type, 'user-identity-rq');
    assert.equal(id.userIdentityType, 5);
    assert.equal(id.positiveResponseRequested, true);
    assert.equal(id.primaryField.toString(), 'eyJhbGciOiJub25lIn0.e30.');
    assert.deepEqual(ui[8], { type: 'unknown', itemType: 0x7f, data: Buffer.from([1, 2, 3]) });
  });
});
