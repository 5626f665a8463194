import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataSet, QueryRetrieveModel } from '@pacs/dicom';
import { parseArgs } from './args';
import { CONNECTION_OPTIONS, peerFrom } from './connection';
import { toDicomJson } from './dicom-json';
import { UsageError } from './exit-codes';
import { identifierFrom, modelFamily, modelUid, QUERY_OPTIONS } from './keys';

const parse = (argv: string[]) => parseArgs(argv, [...CONNECTION_OPTIONS, ...QUERY_OPTIONS]);

describe('dicom-cli command line', () => {
  test('DCMTK-style options, repeatable -k, host and port', () => {
    const args = parse(['-aet', 'ME', '-aec', 'PACS', '-k', 'PatientID=1', '-k', 'PatientName', 'pacs.local', '11112']);
    const { peer, rest } = peerFrom(args);
    assert.deepEqual([peer.callingAeTitle, peer.calledAeTitle, peer.host, peer.port, rest], ['ME', 'PACS', 'pacs.local', 11112, []]);
    assert.deepEqual(args.options.get('-k'), ['PatientID=1', 'PatientName']);
  });

  test('usage errors: unknown option, missing value, bad port, TLS file without --tls, missing level', () => {
    assert.throws(() => parse(['--frob']), UsageError);
    assert.throws(() => parse(['-aet']), UsageError);
    assert.throws(() => peerFrom(parse(['host', '99999'])), UsageError);
    assert.throws(() => peerFrom(parse(['--tls-ca', 'x.pem', 'host', '104'])), UsageError);
    assert.throws(() => identifierFrom(parse(['-k', 'PatientID=1'])), UsageError);
    assert.throws(() => identifierFrom(parse(['-L', 'STUDY', '-k', 'NoSuchKeyword=1'])), UsageError);
  });

  test('-L and -k build the identifier: keywords, (gggg,eeee), return keys, numbers, later keys win', () => {
    const ds = identifierFrom(parse(['-L', 'study', '-k', 'PatientID=A*', '-k', '(0020,000d)', '-k', 'PatientID=B*', '-k', 'NumberOfStudyRelatedInstances']));
    assert.equal(ds.getString(0x00080052), 'STUDY');
    assert.equal(ds.getString(0x00100020), 'B*');
    assert.equal(ds.getBytes(0x0020000d)?.length, 0);
    assert.ok(ds.has(0x00201208));
  });

  test('model flags: study root by default, -P patient root, -O patient/study only', () => {
    assert.equal(modelUid(modelFamily(parse([])), 'Find'), QueryRetrieveModel.StudyRootFind);
    assert.equal(modelUid(modelFamily(parse(['-P'])), 'Move'), QueryRetrieveModel.PatientRootMove);
    assert.equal(modelUid(modelFamily(parse(['-O'])), 'Get'), QueryRetrieveModel.PatientStudyOnlyGet);
    assert.throws(() => modelFamily(parse(['-P', '-S'])), UsageError);
  });

  test('DICOM JSON (PS3.18 F.2): strings, person names, numbers, empty values', () => {
    const ds = new DataSet().setStrings(0x00100010, 'Doe^John').setStrings(0x00100020, 'ID1').setNumbers(0x00280010, 512).setStrings(0x00081030, []);
    assert.deepEqual(toDicomJson(ds), {
      '00081030': { vr: 'LO' },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^John', Ideographic: undefined, Phonetic: undefined }] },
      '00100020': { vr: 'LO', Value: ['ID1'] },
      '00280010': { vr: 'US', Value: [512] },
    });
  });
});
