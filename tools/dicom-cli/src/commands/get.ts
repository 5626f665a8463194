// get: C-GET into --out DIR, like getscu -od. The instances arrive as C-STORE sub-operations
// on the same association, so common storage classes are proposed with the SCP role.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  get,
  isValidUid,
  proposeQuery,
  QUERY_TRANSFER_SYNTAXES,
  scpRoleSelection,
  sopClassByKeyword,
  Status,
  writePart10File,
  type ProposedContext,
} from '@pacs/dicom';
import { parseArgs, single } from '../args';
import { CONNECTION_OPTIONS, openAssociation, peerFrom } from '../connection';
import { ExitCode, UsageError } from '../exit-codes';
import { identifierFrom, modelFamily, modelUid, QUERY_OPTIONS } from '../keys';
import { followRetrieve, reportRetrieve } from './retrieve-report';

/** What getscu-like tools offer by default; 128 contexts allow no more than a selection. */
const COMMON_STORAGE = [
  'ComputedRadiographyImageStorage', 'DigitalXRayImageStorageForPresentation', 'DigitalXRayImageStorageForProcessing',
  'DigitalMammographyXRayImageStorageForPresentation', 'DigitalMammographyXRayImageStorageForProcessing',
  'DigitalIntraOralXRayImageStorageForPresentation', 'CTImageStorage', 'EnhancedCTImageStorage', 'LegacyConvertedEnhancedCTImageStorage',
  'UltrasoundMultiFrameImageStorage', 'MRImageStorage', 'EnhancedMRImageStorage', 'MRSpectroscopyStorage', 'EnhancedMRColorImageStorage',
  'UltrasoundImageStorage', 'EnhancedUSVolumeStorage', 'SecondaryCaptureImageStorage', 'MultiFrameSingleBitSecondaryCaptureImageStorage',
  'MultiFrameGrayscaleByteSecondaryCaptureImageStorage', 'MultiFrameGrayscaleWordSecondaryCaptureImageStorage',
  'MultiFrameTrueColorSecondaryCaptureImageStorage', 'TwelveLeadECGWaveformStorage', 'GeneralECGWaveformStorage',
  'GrayscaleSoftcopyPresentationStateStorage', 'ColorSoftcopyPresentationStateStorage', 'XRayAngiographicImageStorage',
  'EnhancedXAImageStorage', 'XRayRadiofluoroscopicImageStorage', 'XRay3DAngiographicImageStorage', 'BreastTomosynthesisImageStorage',
  'NuclearMedicineImageStorage', 'ParametricMapStorage', 'RawDataStorage', 'SpatialRegistrationStorage', 'SegmentationStorage',
  'RealWorldValueMappingStorage', 'VLEndoscopicImageStorage', 'VLMicroscopicImageStorage', 'VLPhotographicImageStorage',
  'VLWholeSlideMicroscopyImageStorage', 'OphthalmicPhotography8BitImageStorage', 'OphthalmicTomographyImageStorage',
  'BasicTextSRStorage', 'EnhancedSRStorage', 'ComprehensiveSRStorage', 'Comprehensive3DSRStorage', 'KeyObjectSelectionDocumentStorage',
  'XRayRadiationDoseSRStorage', 'EncapsulatedPDFStorage', 'EncapsulatedCDAStorage', 'PositronEmissionTomographyImageStorage',
  'EnhancedPETImageStorage', 'RTImageStorage', 'RTDoseStorage', 'RTStructureSetStorage', 'RTPlanStorage', 'RTIonPlanStorage',
  'RTBeamsTreatmentRecordStorage',
].map((k) => sopClassByKeyword(k)!.uid);

export async function getCommand(argv: readonly string[]): Promise<ExitCode> {
  const args = parseArgs(argv, [
    ...CONNECTION_OPTIONS,
    ...QUERY_OPTIONS,
    { names: ['--out', '-od'], value: true },
    { names: ['--sop-class'], value: true, repeatable: true },
    { names: ['--ts'], value: true, repeatable: true },
  ]);
  const { peer, rest } = peerFrom(args);
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const out = single(args, '--out');
  if (!out) throw new UsageError('--out DIR is required');
  const extra = args.options.get('--sop-class') ?? [];
  const transferSyntaxes = args.options.get('--ts') ?? QUERY_TRANSFER_SYNTAXES;
  for (const uid of [...extra, ...transferSyntaxes]) if (!isValidUid(uid)) throw new UsageError(`not a UID: ${uid}`);
  const identifier = identifierFrom(args);
  const model = modelUid(modelFamily(args), 'Get');
  const storage = [...new Set([...extra, ...COMMON_STORAGE])].slice(0, 127);
  const contexts: ProposedContext[] = [...proposeQuery([model]), ...storage.map((uid) => ({ abstractSyntax: uid, transferSyntaxes: [...transferSyntaxes] }))];
  await mkdir(out, { recursive: true });
  const association = await openAssociation(peer, contexts, scpRoleSelection(storage));
  try {
    const operation = get(association, model, identifier, async (request) => {
      if (!isValidUid(request.sopInstanceUid)) {
        request.dataSet.destroy();
        return { status: Status.UnableToProcess, errorComment: 'invalid SOP Instance UID' };
      }
      await writePart10File(
        join(out, `${request.sopInstanceUid}.dcm`),
        {
          mediaStorageSopClassUid: request.sopClassUid,
          mediaStorageSopInstanceUid: request.sopInstanceUid,
          transferSyntaxUid: request.transferSyntaxUid,
          sourceApplicationEntityTitle: request.association.calledAeTitle,
        },
        request.dataSet,
      );
      return { status: Status.Success };
    });
    return reportRetrieve(await followRetrieve(operation, 'C-GET'), 'C-GET');
  } finally {
    await association.release().catch(() => association.abort());
  }
}
