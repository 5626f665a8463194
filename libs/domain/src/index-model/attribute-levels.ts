// Which index level (patient, study, series) each top-level attribute belongs to, by the PS3.3
// module that defines it and the Information Entity that module belongs to in the composite
// IODs (PS3.3 §A.1.2). Everything not listed (image modules, SOP Common, modality-specific
// modules, private attributes) is instance level. The one table of its kind: Q/R return keys
// are answered from the per-level attributes built with it.
import { tagForKeyword } from '@pacs/dicom';

export type IndexLevel = 'patient' | 'study' | 'series' | 'instance';

const PATIENT_KEYWORDS = [
  // PS3.3 C.7.1.1 Patient Module (incl. Table 10-18 Issuer of Patient ID Macro)
  'PatientName', 'PatientID', 'IssuerOfPatientID', 'IssuerOfPatientIDQualifiersSequence', 'TypeOfPatientID',
  'PatientBirthDate', 'PatientBirthTime', 'PatientBirthDateInAlternativeCalendar',
  'PatientDeathDateInAlternativeCalendar', 'PatientAlternativeCalendar', 'PatientSex',
  'QualityControlSubject', 'ReferencedPatientPhotoSequence', 'ReferencedPatientSequence',
  'OtherPatientIDs', 'OtherPatientIDsSequence', 'OtherPatientNames', 'EthnicGroup', 'PatientComments',
  'PatientSpeciesDescription', 'PatientSpeciesCodeSequence', 'PatientBreedDescription',
  'PatientBreedCodeSequence', 'BreedRegistrationSequence', 'StrainDescription', 'StrainNomenclature',
  'StrainCodeSequence', 'StrainAdditionalInformation', 'StrainStockSequence', 'GeneticModificationsSequence',
  'ResponsiblePerson', 'ResponsiblePersonRole', 'ResponsibleOrganization', 'PatientIdentityRemoved',
  'DeidentificationMethod', 'DeidentificationMethodCodeSequence', 'SourcePatientGroupIdentificationSequence',
  'GroupOfPatientsIdentificationSequence',
  // PS3.3 C.2.2 Patient Identification Module, C.2.3 Patient Demographic Module
  'PatientBirthName', 'PatientMotherBirthName', 'MedicalRecordLocator', 'PatientAddress', 'MilitaryRank',
  'BranchOfService', 'CountryOfResidence', 'RegionOfResidence', 'PatientTelephoneNumbers',
  'PatientTelecomInformation', 'PatientReligiousPreference', 'PatientPrimaryLanguageCodeSequence',
  'ConfidentialityConstraintOnPatientDataDescription',
  // PS3.3 C.7.1.3 Clinical Trial Subject Module
  'ClinicalTrialSponsorName', 'ClinicalTrialProtocolID', 'ClinicalTrialProtocolName',
  'IssuerOfClinicalTrialProtocolID', 'OtherClinicalTrialProtocolIDsSequence', 'ClinicalTrialSiteID',
  'ClinicalTrialSiteName', 'IssuerOfClinicalTrialSiteID', 'ClinicalTrialSubjectID', 'IssuerOfClinicalTrialSubjectID',
  'ClinicalTrialSubjectReadingID', 'IssuerOfClinicalTrialSubjectReadingID',
  'ClinicalTrialProtocolEthicsCommitteeName', 'ClinicalTrialProtocolEthicsCommitteeApprovalNumber',
] as const;

const STUDY_KEYWORDS = [
  // PS3.3 C.7.2.1 General Study Module
  'StudyInstanceUID', 'StudyDate', 'StudyTime', 'ReferringPhysicianName', 'ReferringPhysicianIdentificationSequence',
  'ConsultingPhysicianName', 'ConsultingPhysicianIdentificationSequence', 'StudyID', 'AccessionNumber',
  'IssuerOfAccessionNumberSequence', 'StudyDescription', 'PhysiciansOfRecord', 'PhysiciansOfRecordIdentificationSequence',
  'NameOfPhysiciansReadingStudy', 'PhysiciansReadingStudyIdentificationSequence', 'RequestingService',
  'RequestingServiceCodeSequence', 'ReferencedStudySequence', 'ProcedureCodeSequence',
  'ReasonForPerformedProcedureCodeSequence',
  // PS3.3 C.7.2.2 Patient Study Module
  'AdmittingDiagnosesDescription', 'AdmittingDiagnosesCodeSequence', 'PatientAge', 'PatientSize', 'PatientWeight',
  'PatientBodyMassIndex', 'MeasuredAPDimension', 'MeasuredLateralDimension', 'PatientSizeCodeSequence',
  'MedicalAlerts', 'Allergies', 'SmokingStatus', 'PregnancyStatus', 'LastMenstrualDate', 'PatientState',
  'Occupation', 'AdditionalPatientHistory', 'AdmissionID', 'IssuerOfAdmissionIDSequence', 'ServiceEpisodeID',
  'IssuerOfServiceEpisodeIDSequence', 'ServiceEpisodeDescription', 'PatientSexNeutered', 'ReasonForVisit',
  'ReasonForVisitCodeSequence',
  // PS3.3 C.7.2.3 Clinical Trial Study Module
  'ClinicalTrialTimePointID', 'ClinicalTrialTimePointDescription', 'LongitudinalTemporalOffsetFromEvent',
  'LongitudinalTemporalEventType', 'ConsentForClinicalTrialUseSequence',
  // PS3.4 C.6.1.1.3 study-level computed keys, kept with the study when an instance carries them
  'ModalitiesInStudy', 'SOPClassesInStudy', 'NumberOfStudyRelatedSeries', 'NumberOfStudyRelatedInstances',
] as const;

const SERIES_KEYWORDS = [
  // PS3.3 C.7.3.1 General Series Module
  'Modality', 'SeriesInstanceUID', 'SeriesNumber', 'Laterality', 'SeriesDate', 'SeriesTime',
  'PerformingPhysicianName', 'PerformingPhysicianIdentificationSequence', 'ProtocolName', 'SeriesDescription',
  'SeriesDescriptionCodeSequence', 'OperatorsName', 'OperatorIdentificationSequence',
  'ReferencedPerformedProcedureStepSequence', 'RelatedSeriesSequence', 'BodyPartExamined', 'PatientPosition',
  'SmallestPixelValueInSeries', 'LargestPixelValueInSeries', 'RequestAttributesSequence',
  'AnatomicalOrientationType', 'PerformedProcedureStepID', 'PerformedProcedureStepStartDate',
  'PerformedProcedureStepStartTime', 'PerformedProcedureStepEndDate', 'PerformedProcedureStepEndTime',
  'PerformedProcedureStepDescription', 'PerformedProtocolCodeSequence', 'CommentsOnThePerformedProcedureStep',
  'TreatmentSessionUID',
  // PS3.3 C.7.3.2 Clinical Trial Series Module
  'ClinicalTrialCoordinatingCenterName', 'ClinicalTrialSeriesID', 'ClinicalTrialSeriesDescription',
  'IssuerOfClinicalTrialSeriesID',
  // PS3.3 C.7.5.1 General Equipment Module (Equipment IE, one per series)
  'Manufacturer', 'InstitutionName', 'InstitutionAddress', 'StationName', 'InstitutionalDepartmentName',
  'InstitutionalDepartmentTypeCodeSequence', 'ManufacturerModelName', 'ManufacturerDeviceClassUID',
  'DeviceSerialNumber', 'DeviceUID', 'GantryID', 'UDISequence', 'SoftwareVersions', 'SpatialResolution',
  'DateOfLastCalibration', 'TimeOfLastCalibration', 'DateOfManufacture', 'DateOfInstallation',
  // PS3.3 C.7.4.1 Frame of Reference Module, C.7.4.2 Synchronization Module (Frame of Reference IE)
  'FrameOfReferenceUID', 'PositionReferenceIndicator', 'SynchronizationFrameOfReferenceUID',
  'SynchronizationTrigger', 'TriggerSourceOrType', 'SynchronizationChannel', 'AcquisitionTimeSynchronized',
  'TimeSource', 'TimeDistributionProtocol', 'NTPSourceAddress',
  // PS3.4 C.6.1.1.4 series-level computed key
  'NumberOfSeriesRelatedInstances',
] as const;

export const LEVEL_KEYWORDS: Readonly<Record<Exclude<IndexLevel, 'instance'>, readonly string[]>> = {
  patient: PATIENT_KEYWORDS,
  study: STUDY_KEYWORDS,
  series: SERIES_KEYWORDS,
};

let levelOfTag: Map<number, IndexLevel> | undefined;

function table(): Map<number, IndexLevel> {
  if (!levelOfTag) {
    levelOfTag = new Map();
    for (const [level, keywords] of Object.entries(LEVEL_KEYWORDS) as Array<[IndexLevel, readonly string[]]>) {
      for (const keyword of keywords) {
        const tag = tagForKeyword(keyword);
        if (tag !== undefined) levelOfTag.set(tag, level);
      }
    }
  }
  return levelOfTag;
}

/** The level an attribute is indexed at; private and unlisted attributes are instance level. */
export function attributeLevel(tag: number): IndexLevel {
  return table().get(tag >>> 0) ?? 'instance';
}
