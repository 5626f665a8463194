// SOP classes we negotiate, listed once: Verification (PS3.4 Annex A), every Storage SOP class
// of PS3.4 Annex B.5 Table B.5-1 (2025 edition, keywords and UIDs as in PS3.6 Annex A,
// cross-checked against the UID table compiled into DCMTK 3.6.7's libdcmdata) including the
// retired ones modalities still send, and the Query/Retrieve information models of PS3.4 C.6.
import { VERIFICATION_SOP_CLASS_UID } from './commands';

export interface SopClass {
  readonly uid: string;
  /** PS3.6 Annex A keyword, e.g. "CTImageStorage". */
  readonly keyword: string;
  readonly retired: boolean;
}

type Row = readonly [suffix: string, keyword: string, retired?: 1];

const STORAGE_ROOT = '1.2.840.10008.5.1.4.1.1.';

// Suffixes under 1.2.840.10008.5.1.4.1.1 (rows starting with "=" carry a whole UID).
const STORAGE_ROWS: readonly Row[] = [
  ['1', 'ComputedRadiographyImageStorage'],
  ['1.1', 'DigitalXRayImageStorageForPresentation'],
  ['1.1.1', 'DigitalXRayImageStorageForProcessing'],
  ['1.2', 'DigitalMammographyXRayImageStorageForPresentation'],
  ['1.2.1', 'DigitalMammographyXRayImageStorageForProcessing'],
  ['1.3', 'DigitalIntraOralXRayImageStorageForPresentation'],
  ['1.3.1', 'DigitalIntraOralXRayImageStorageForProcessing'],
  ['2', 'CTImageStorage'],
  ['2.1', 'EnhancedCTImageStorage'],
  ['2.2', 'LegacyConvertedEnhancedCTImageStorage'],
  ['3', 'UltrasoundMultiFrameImageStorageRetired', 1],
  ['3.1', 'UltrasoundMultiFrameImageStorage'],
  ['4', 'MRImageStorage'],
  ['4.1', 'EnhancedMRImageStorage'],
  ['4.2', 'MRSpectroscopyStorage'],
  ['4.3', 'EnhancedMRColorImageStorage'],
  ['4.4', 'LegacyConvertedEnhancedMRImageStorage'],
  ['5', 'NuclearMedicineImageStorageRetired', 1],
  ['6', 'UltrasoundImageStorageRetired', 1],
  ['6.1', 'UltrasoundImageStorage'],
  ['6.2', 'EnhancedUSVolumeStorage'],
  ['6.3', 'PhotoacousticImageStorage'],
  ['7', 'SecondaryCaptureImageStorage'],
  ['7.1', 'MultiFrameSingleBitSecondaryCaptureImageStorage'],
  ['7.2', 'MultiFrameGrayscaleByteSecondaryCaptureImageStorage'],
  ['7.3', 'MultiFrameGrayscaleWordSecondaryCaptureImageStorage'],
  ['7.4', 'MultiFrameTrueColorSecondaryCaptureImageStorage'],
  ['8', 'StandaloneOverlayStorage', 1],
  ['9', 'StandaloneCurveStorage', 1],
  ['9.1', 'WaveformStorageTrial', 1],
  ['9.1.1', 'TwelveLeadECGWaveformStorage'],
  ['9.1.2', 'GeneralECGWaveformStorage'],
  ['9.1.3', 'AmbulatoryECGWaveformStorage'],
  ['9.1.4', 'General32bitECGWaveformStorage'],
  ['9.2.1', 'HemodynamicWaveformStorage'],
  ['9.3.1', 'CardiacElectrophysiologyWaveformStorage'],
  ['9.4.1', 'BasicVoiceAudioWaveformStorage'],
  ['9.4.2', 'GeneralAudioWaveformStorage'],
  ['9.5.1', 'ArterialPulseWaveformStorage'],
  ['9.6.1', 'RespiratoryWaveformStorage'],
  ['9.6.2', 'MultichannelRespiratoryWaveformStorage'],
  ['9.7.1', 'RoutineScalpElectroencephalogramWaveformStorage'],
  ['9.7.2', 'ElectromyogramWaveformStorage'],
  ['9.7.3', 'ElectrooculogramWaveformStorage'],
  ['9.7.4', 'SleepElectroencephalogramWaveformStorage'],
  ['9.8.1', 'BodyPositionWaveformStorage'],
  ['10', 'StandaloneModalityLUTStorage', 1],
  ['11', 'StandaloneVOILUTStorage', 1],
  ['11.1', 'GrayscaleSoftcopyPresentationStateStorage'],
  ['11.2', 'ColorSoftcopyPresentationStateStorage'],
  ['11.3', 'PseudoColorSoftcopyPresentationStateStorage'],
  ['11.4', 'BlendingSoftcopyPresentationStateStorage'],
  ['11.5', 'XAXRFGrayscaleSoftcopyPresentationStateStorage'],
  ['11.6', 'GrayscalePlanarMPRVolumetricPresentationStateStorage'],
  ['11.7', 'CompositingPlanarMPRVolumetricPresentationStateStorage'],
  ['11.8', 'AdvancedBlendingPresentationStateStorage'],
  ['11.9', 'VolumeRenderingVolumetricPresentationStateStorage'],
  ['11.10', 'SegmentedVolumeRenderingVolumetricPresentationStateStorage'],
  ['11.11', 'MultipleVolumeRenderingVolumetricPresentationStateStorage'],
  ['11.12', 'VariableModalityLUTSoftcopyPresentationStateStorage'],
  ['12.1', 'XRayAngiographicImageStorage'],
  ['12.1.1', 'EnhancedXAImageStorage'],
  ['12.2', 'XRayRadiofluoroscopicImageStorage'],
  ['12.2.1', 'EnhancedXRFImageStorage'],
  ['12.3', 'XRayAngiographicBiPlaneImageStorage', 1],
  ['13.1.1', 'XRay3DAngiographicImageStorage'],
  ['13.1.2', 'XRay3DCraniofacialImageStorage'],
  ['13.1.3', 'BreastTomosynthesisImageStorage'],
  ['13.1.4', 'BreastProjectionXRayImageStorageForPresentation'],
  ['13.1.5', 'BreastProjectionXRayImageStorageForProcessing'],
  ['14.1', 'IntravascularOpticalCoherenceTomographyImageStorageForPresentation'],
  ['14.2', 'IntravascularOpticalCoherenceTomographyImageStorageForProcessing'],
  ['20', 'NuclearMedicineImageStorage'],
  ['30', 'ParametricMapStorage'],
  ['66', 'RawDataStorage'],
  ['66.1', 'SpatialRegistrationStorage'],
  ['66.2', 'SpatialFiducialsStorage'],
  ['66.3', 'DeformableSpatialRegistrationStorage'],
  ['66.4', 'SegmentationStorage'],
  ['66.5', 'SurfaceSegmentationStorage'],
  ['66.6', 'TractographyResultsStorage'],
  ['66.7', 'LabelMapSegmentationStorage'],
  ['66.8', 'HeightMapSegmentationStorage'],
  ['67', 'RealWorldValueMappingStorage'],
  ['68.1', 'SurfaceScanMeshStorage'],
  ['68.2', 'SurfaceScanPointCloudStorage'],
  ['77.1', 'VLImageStorageTrial', 1],
  ['77.2', 'VLMultiFrameImageStorageTrial', 1],
  ['77.1.1', 'VLEndoscopicImageStorage'],
  ['77.1.1.1', 'VideoEndoscopicImageStorage'],
  ['77.1.2', 'VLMicroscopicImageStorage'],
  ['77.1.2.1', 'VideoMicroscopicImageStorage'],
  ['77.1.3', 'VLSlideCoordinatesMicroscopicImageStorage'],
  ['77.1.4', 'VLPhotographicImageStorage'],
  ['77.1.4.1', 'VideoPhotographicImageStorage'],
  ['77.1.5.1', 'OphthalmicPhotography8BitImageStorage'],
  ['77.1.5.2', 'OphthalmicPhotography16BitImageStorage'],
  ['77.1.5.3', 'StereometricRelationshipStorage'],
  ['77.1.5.4', 'OphthalmicTomographyImageStorage'],
  ['77.1.5.5', 'WideFieldOphthalmicPhotographyStereographicProjectionImageStorage'],
  ['77.1.5.6', 'WideFieldOphthalmicPhotography3DCoordinatesImageStorage'],
  ['77.1.5.7', 'OphthalmicOpticalCoherenceTomographyEnFaceImageStorage'],
  ['77.1.5.8', 'OphthalmicOpticalCoherenceTomographyBscanVolumeAnalysisStorage'],
  ['77.1.6', 'VLWholeSlideMicroscopyImageStorage'],
  ['77.1.7', 'DermoscopicPhotographyImageStorage'],
  ['77.1.8', 'ConfocalMicroscopyImageStorage'],
  ['77.1.8.1', 'ConfocalMicroscopyTiledPyramidalImageStorage'],
  ['78.1', 'LensometryMeasurementsStorage'],
  ['78.2', 'AutorefractionMeasurementsStorage'],
  ['78.3', 'KeratometryMeasurementsStorage'],
  ['78.4', 'SubjectiveRefractionMeasurementsStorage'],
  ['78.5', 'VisualAcuityMeasurementsStorage'],
  ['78.6', 'SpectaclePrescriptionReportStorage'],
  ['78.7', 'OphthalmicAxialMeasurementsStorage'],
  ['78.8', 'IntraocularLensCalculationsStorage'],
  ['79.1', 'MacularGridThicknessAndVolumeReportStorage'],
  ['80.1', 'OphthalmicVisualFieldStaticPerimetryMeasurementsStorage'],
  ['81.1', 'OphthalmicThicknessMapStorage'],
  ['82.1', 'CornealTopographyMapStorage'],
  ['88.1', 'TextSRStorageTrial', 1],
  ['88.2', 'AudioSRStorageTrial', 1],
  ['88.3', 'DetailSRStorageTrial', 1],
  ['88.4', 'ComprehensiveSRStorageTrial', 1],
  ['88.11', 'BasicTextSRStorage'],
  ['88.22', 'EnhancedSRStorage'],
  ['88.33', 'ComprehensiveSRStorage'],
  ['88.34', 'Comprehensive3DSRStorage'],
  ['88.35', 'ExtensibleSRStorage'],
  ['88.40', 'ProcedureLogStorage'],
  ['88.50', 'MammographyCADSRStorage'],
  ['88.59', 'KeyObjectSelectionDocumentStorage'],
  ['88.65', 'ChestCADSRStorage'],
  ['88.67', 'XRayRadiationDoseSRStorage'],
  ['88.68', 'RadiopharmaceuticalRadiationDoseSRStorage'],
  ['88.69', 'ColonCADSRStorage'],
  ['88.70', 'ImplantationPlanSRStorage'],
  ['88.71', 'AcquisitionContextSRStorage'],
  ['88.72', 'SimplifiedAdultEchoSRStorage'],
  ['88.73', 'PatientRadiationDoseSRStorage'],
  ['88.74', 'PlannedImagingAgentAdministrationSRStorage'],
  ['88.75', 'PerformedImagingAgentAdministrationSRStorage'],
  ['88.76', 'EnhancedXRayRadiationDoseSRStorage'],
  ['88.77', 'WaveformAnnotationSRStorage'],
  ['90.1', 'ContentAssessmentResultsStorage'],
  ['91.1', 'MicroscopyBulkSimpleAnnotationsStorage'],
  ['104.1', 'EncapsulatedPDFStorage'],
  ['104.2', 'EncapsulatedCDAStorage'],
  ['104.3', 'EncapsulatedSTLStorage'],
  ['104.4', 'EncapsulatedOBJStorage'],
  ['104.5', 'EncapsulatedMTLStorage'],
  ['128', 'PositronEmissionTomographyImageStorage'],
  ['128.1', 'LegacyConvertedEnhancedPETImageStorage'],
  ['129', 'StandalonePETCurveStorage', 1],
  ['130', 'EnhancedPETImageStorage'],
  ['131', 'BasicStructuredDisplayStorage'],
  ['200.1', 'CTDefinedProcedureProtocolStorage'],
  ['200.2', 'CTPerformedProcedureProtocolStorage'],
  ['200.3', 'ProtocolApprovalStorage'],
  ['200.7', 'XADefinedProcedureProtocolStorage'],
  ['200.8', 'XAPerformedProcedureProtocolStorage'],
  ['201.1', 'InventoryStorage'],
  ['481.1', 'RTImageStorage'],
  ['481.2', 'RTDoseStorage'],
  ['481.3', 'RTStructureSetStorage'],
  ['481.4', 'RTBeamsTreatmentRecordStorage'],
  ['481.5', 'RTPlanStorage'],
  ['481.6', 'RTBrachyTreatmentRecordStorage'],
  ['481.7', 'RTTreatmentSummaryRecordStorage'],
  ['481.8', 'RTIonPlanStorage'],
  ['481.9', 'RTIonBeamsTreatmentRecordStorage'],
  ['481.10', 'RTPhysicianIntentStorage'],
  ['481.11', 'RTSegmentAnnotationStorage'],
  ['481.12', 'RTRadiationSetStorage'],
  ['481.13', 'CArmPhotonElectronRadiationStorage'],
  ['481.14', 'TomotherapeuticRadiationStorage'],
  ['481.15', 'RoboticArmRadiationStorage'],
  ['481.16', 'RTRadiationRecordSetStorage'],
  ['481.17', 'RTRadiationSalvageRecordStorage'],
  ['481.18', 'TomotherapeuticRadiationRecordStorage'],
  ['481.19', 'CArmPhotonElectronRadiationRecordStorage'],
  ['481.20', 'RoboticArmRadiationRecordStorage'],
  ['481.21', 'RTRadiationSetDeliveryInstructionStorage'],
  ['481.22', 'RTTreatmentPreparationStorage'],
  ['481.23', 'EnhancedRTImageStorage'],
  ['481.24', 'EnhancedContinuousRTImageStorage'],
  ['481.25', 'RTPatientPositionAcquisitionInstructionStorage'],
  ['501.1', 'DICOSCTImageStorage'],
  ['501.2.1', 'DICOSDigitalXRayImageStorageForPresentation'],
  ['501.2.2', 'DICOSDigitalXRayImageStorageForProcessing'],
  ['501.3', 'DICOSThreatDetectionReportStorage'],
  ['501.4', 'DICOS2DAITStorage'],
  ['501.5', 'DICOS3DAITStorage'],
  ['501.6', 'DICOSQuadrupoleResonanceStorage'],
  ['601.1', 'EddyCurrentImageStorage'],
  ['601.2', 'EddyCurrentMultiFrameImageStorage'],
  ['=1.2.840.10008.5.1.4.34.7', 'RTBeamsDeliveryInstructionStorage'],
  ['=1.2.840.10008.5.1.4.34.10', 'RTBrachyApplicationSetupDeliveryInstructionStorage'],
];

const sopClass = ([suffix, keyword, retired]: Row, root: string): SopClass => ({
  uid: suffix.startsWith('=') ? suffix.slice(1) : root + suffix,
  keyword,
  retired: retired === 1,
});

export const VERIFICATION_SOP_CLASS: SopClass = { uid: VERIFICATION_SOP_CLASS_UID, keyword: 'Verification', retired: false };

/** PS3.4 Annex B.5: every Storage SOP class, retired ones included (we archive what arrives). */
export const STORAGE_SOP_CLASSES: readonly SopClass[] = STORAGE_ROWS.map((r) => sopClass(r, STORAGE_ROOT));

export type QueryRetrieveOperation = 'find' | 'move' | 'get';
export type QueryRetrieveModelName = 'patient-root' | 'study-root' | 'patient-study-only' | 'composite-instance-root' | 'composite-instance-without-bulk-data';

export interface QueryRetrieveSopClass extends SopClass {
  readonly model: QueryRetrieveModelName;
  readonly operation: QueryRetrieveOperation;
}

/** PS3.4 C.6 information model SOP class UIDs by name. */
export const QueryRetrieveModel = {
  PatientRootFind: '1.2.840.10008.5.1.4.1.2.1.1',
  PatientRootMove: '1.2.840.10008.5.1.4.1.2.1.2',
  PatientRootGet: '1.2.840.10008.5.1.4.1.2.1.3',
  StudyRootFind: '1.2.840.10008.5.1.4.1.2.2.1',
  StudyRootMove: '1.2.840.10008.5.1.4.1.2.2.2',
  StudyRootGet: '1.2.840.10008.5.1.4.1.2.2.3',
  /** Retired (PS3.4 C.6.3) but still proposed by older workstations. */
  PatientStudyOnlyFind: '1.2.840.10008.5.1.4.1.2.3.1',
  PatientStudyOnlyMove: '1.2.840.10008.5.1.4.1.2.3.2',
  PatientStudyOnlyGet: '1.2.840.10008.5.1.4.1.2.3.3',
  CompositeInstanceRootMove: '1.2.840.10008.5.1.4.1.2.4.2',
  CompositeInstanceRootGet: '1.2.840.10008.5.1.4.1.2.4.3',
  CompositeInstanceWithoutBulkDataGet: '1.2.840.10008.5.1.4.1.2.5.3',
} as const;

const qr = (uid: string, keyword: string, model: QueryRetrieveModelName, operation: QueryRetrieveOperation, retired = false): QueryRetrieveSopClass =>
  ({ uid, keyword, model, operation, retired });

export const QUERY_RETRIEVE_SOP_CLASSES: readonly QueryRetrieveSopClass[] = [
  qr(QueryRetrieveModel.PatientRootFind, 'PatientRootQueryRetrieveInformationModelFind', 'patient-root', 'find'),
  qr(QueryRetrieveModel.PatientRootMove, 'PatientRootQueryRetrieveInformationModelMove', 'patient-root', 'move'),
  qr(QueryRetrieveModel.PatientRootGet, 'PatientRootQueryRetrieveInformationModelGet', 'patient-root', 'get'),
  qr(QueryRetrieveModel.StudyRootFind, 'StudyRootQueryRetrieveInformationModelFind', 'study-root', 'find'),
  qr(QueryRetrieveModel.StudyRootMove, 'StudyRootQueryRetrieveInformationModelMove', 'study-root', 'move'),
  qr(QueryRetrieveModel.StudyRootGet, 'StudyRootQueryRetrieveInformationModelGet', 'study-root', 'get'),
  qr(QueryRetrieveModel.PatientStudyOnlyFind, 'PatientStudyOnlyQueryRetrieveInformationModelFind', 'patient-study-only', 'find', true),
  qr(QueryRetrieveModel.PatientStudyOnlyMove, 'PatientStudyOnlyQueryRetrieveInformationModelMove', 'patient-study-only', 'move', true),
  qr(QueryRetrieveModel.PatientStudyOnlyGet, 'PatientStudyOnlyQueryRetrieveInformationModelGet', 'patient-study-only', 'get', true),
  qr(QueryRetrieveModel.CompositeInstanceRootMove, 'CompositeInstanceRootRetrieveMove', 'composite-instance-root', 'move'),
  qr(QueryRetrieveModel.CompositeInstanceRootGet, 'CompositeInstanceRootRetrieveGet', 'composite-instance-root', 'get'),
  qr(QueryRetrieveModel.CompositeInstanceWithoutBulkDataGet, 'CompositeInstanceRetrieveWithoutBulkDataGet', 'composite-instance-without-bulk-data', 'get'),
];

const ALL: readonly SopClass[] = [VERIFICATION_SOP_CLASS, ...STORAGE_SOP_CLASSES, ...QUERY_RETRIEVE_SOP_CLASSES];
const byUid = new Map(ALL.map((c) => [c.uid, c]));
const byKeyword = new Map(ALL.map((c) => [c.keyword.toLowerCase(), c]));
const storageUids = new Set(STORAGE_SOP_CLASSES.map((c) => c.uid));
const qrByUid = new Map(QUERY_RETRIEVE_SOP_CLASSES.map((c) => [c.uid, c]));

export function sopClassByUid(uid: string): SopClass | undefined {
  return byUid.get(uid);
}

/** Case-insensitive keyword lookup ("CTImageStorage", "StudyRootQueryRetrieveInformationModelFind"). */
export function sopClassByKeyword(keyword: string): SopClass | undefined {
  return byKeyword.get(keyword.toLowerCase());
}

export function isStorageSopClass(uid: string): boolean {
  return storageUids.has(uid);
}

export function queryRetrieveSopClass(uid: string): QueryRetrieveSopClass | undefined {
  return qrByUid.get(uid);
}
