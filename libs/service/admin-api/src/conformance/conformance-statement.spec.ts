import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TransferSyntaxUid } from '@pacs/dicom';
import { loadConfig } from '@pacs/platform';
import { conformanceStatement } from './conformance-statement';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

test('conformance: CT Image Storage with Explicit VR Little Endian, Verification, study-root C-FIND; our AE title and implementation identity', () => {
  const config = loadConfig({ env: { PACS_DICOM__AETITLE: 'ARCHIVE', PACS_DICOM__PORT: '104' }, argv: [] });
  const s = conformanceStatement(config);
  assert.equal(s.aeTitle, 'ARCHIVE');
  assert.equal(s.ports.dicom, 104);
  assert.equal(s.ports.dicomTls, undefined);
  assert.match(s.implementationClassUid, /^[0-9.]+$/);
  const ct = s.sopClasses.find((c) => c.uid === CT_IMAGE_STORAGE);
  assert.deepEqual({ keyword: ct?.keyword, serviceClass: ct?.serviceClass }, { keyword: 'CTImageStorage', serviceClass: 'storage' });
  assert.ok(ct?.transferSyntaxes.includes(TransferSyntaxUid.ExplicitVRLittleEndian));
  assert.ok(ct?.transferSyntaxes.includes('1.2.840.10008.1.2.4.90'), 'JPEG 2000 kept as the sender has it');
  assert.equal(s.sopClasses.find((c) => c.uid === '1.2.840.10008.1.1')?.serviceClass, 'verification');
  const find = s.sopClasses.find((c) => c.keyword === 'StudyRootQueryRetrieveInformationModelFind');
  assert.equal(find?.serviceClass, 'query-retrieve');
  assert.ok(!find?.transferSyntaxes.includes('1.2.840.10008.1.2.4.90'), 'identifiers only in native syntaxes');
  assert.deepEqual(s.transferSyntaxes.find((t) => t.uid === TransferSyntaxUid.ExplicitVRLittleEndian), { uid: TransferSyntaxUid.ExplicitVRLittleEndian, name: 'Explicit VR Little Endian', retired: false });
  // Every syntax a SOP class names is described once.
  const described = new Set(s.transferSyntaxes.map((t) => t.uid));
  for (const c of s.sopClasses) for (const ts of c.transferSyntaxes) assert.ok(described.has(ts), `${ts} described`);
});
