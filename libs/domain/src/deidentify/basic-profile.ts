// PS3.15 Annex E, Table E.1-1: the Basic Application Level Confidentiality Profile, column
// "Basic Prof.". Action codes (PS3.15 E.3.1): D dummy value, Z zero length (or dummy), X remove,
// K keep, C clean, U replace a UID by one consistent within the set of instances.
//
// A faithful subset: every attribute of the table that can appear in the top-level data set of
// the common image IODs (CT, MR, CR/DX, US, NM, PET, SC, XA, RT and SR headers), plus the
// identifying sequences. Where the table allows several actions (e.g. X/Z, X/D) the strictest
// one the IODs tolerate is used: X, except Z for Type 2 attributes of the Patient and General
// Study modules, which must stay present. Entries are looked up by dictionary keyword, so a
// misspelt keyword fails the table's unit test rather than silently doing nothing.

export type DeidentAction = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U';

export const BASIC_PROFILE: Readonly<Record<string, DeidentAction>> = {
  // Patient module and patient identification (PS3.3 C.7.1.1)
  PatientName: 'Z', PatientID: 'Z', IssuerOfPatientID: 'X', PatientBirthDate: 'Z', PatientBirthTime: 'X', PatientSex: 'Z',
  OtherPatientIDs: 'X', OtherPatientIDsSequence: 'X', OtherPatientNames: 'X', PatientBirthName: 'X', PatientMotherBirthName: 'X',
  PatientAge: 'X', PatientSize: 'X', PatientWeight: 'X', PatientAddress: 'X', PatientTelephoneNumbers: 'X', MilitaryRank: 'X',
  BranchOfService: 'X', MedicalRecordLocator: 'X', MedicalAlerts: 'X', Allergies: 'X', CountryOfResidence: 'X', RegionOfResidence: 'X',
  EthnicGroup: 'X', Occupation: 'X', SmokingStatus: 'X', AdditionalPatientHistory: 'X', PregnancyStatus: 'X', PatientReligiousPreference: 'X',
  PatientComments: 'X', PatientSexNeutered: 'X', PatientInsurancePlanCodeSequence: 'X', PatientPrimaryLanguageCodeSequence: 'X',
  PatientPrimaryLanguageModifierCodeSequence: 'X', InsurancePlanIdentification: 'X', ResponsiblePerson: 'X', ResponsibleOrganization: 'X',
  ReferencedPatientSequence: 'X', ReferencedPatientAliasSequence: 'X', PatientState: 'X', PatientTransportArrangements: 'X',
  PatientInstitutionResidence: 'X', SpecialNeeds: 'X', ConfidentialityConstraintOnPatientDataDescription: 'X',
  // Visit and admission
  AdmissionID: 'X', IssuerOfAdmissionID: 'X', AdmittingDate: 'X', AdmittingTime: 'X', AdmittingDiagnosesDescription: 'X',
  AdmittingDiagnosesCodeSequence: 'X', CurrentPatientLocation: 'X', ScheduledPatientInstitutionResidence: 'X', VisitComments: 'X',
  ServiceEpisodeID: 'X', ServiceEpisodeDescription: 'X', DischargeDiagnosisDescription: 'X',
  // General Study module (PS3.3 C.7.2.1): Type 2 attributes zeroed
  StudyDate: 'Z', StudyTime: 'Z', AccessionNumber: 'Z', StudyID: 'Z', ReferringPhysicianName: 'Z', StudyDescription: 'X',
  ReferringPhysicianAddress: 'X', ReferringPhysicianTelephoneNumbers: 'X', ReferringPhysicianIdentificationSequence: 'X',
  PhysiciansOfRecord: 'X', PhysiciansOfRecordIdentificationSequence: 'X', PhysiciansReadingStudyIdentificationSequence: 'X',
  ReferencedStudySequence: 'X', StudyIDIssuer: 'X', StudyComments: 'X', RequestingPhysician: 'X', RequestingService: 'X',
  RequestedProcedureDescription: 'X', RequestedContrastAgent: 'X', ConsultingPhysicianName: 'X',
  // General Series / Equipment / Acquisition
  SeriesDate: 'X', SeriesTime: 'X', SeriesDescription: 'X', AcquisitionDate: 'X', AcquisitionTime: 'X', AcquisitionDateTime: 'X',
  ContentDate: 'Z', ContentTime: 'Z', OperatorsName: 'X', OperatorIdentificationSequence: 'X', PerformingPhysicianName: 'X',
  PerformingPhysicianIdentificationSequence: 'X', InstitutionName: 'X', InstitutionAddress: 'X', InstitutionCodeSequence: 'X',
  InstitutionalDepartmentName: 'X', StationName: 'X', DeviceSerialNumber: 'X', DetectorID: 'X', GantryID: 'X', GeneratorID: 'X',
  CassetteID: 'X', PlateID: 'X', ProtocolName: 'X', AcquisitionDeviceProcessingDescription: 'X', AcquisitionComments: 'X',
  AcquisitionContextSequence: 'X', AcquisitionProtocolDescription: 'X', ContrastBolusAgent: 'Z', DerivationDescription: 'X',
  ContributionDescription: 'X', TimezoneOffsetFromUTC: 'X', ReferencedPerformedProcedureStepSequence: 'X',
  // Image comments and annotations
  ImageComments: 'X', FrameComments: 'X', IdentifyingComments: 'X', ImagePresentationComments: 'X', TextComments: 'X', TextString: 'X',
  GraphicAnnotationSequence: 'D', IconImageSequence: 'X', ContentCreatorName: 'Z', ContentCreatorIdentificationCodeSequence: 'X',
  // Performed / scheduled procedure steps and requests (PS3.3 C.4.x)
  PerformedStationAETitle: 'X', PerformedStationName: 'X', PerformedLocation: 'X', PerformedProcedureStepStartDate: 'X',
  PerformedProcedureStepStartTime: 'X', PerformedProcedureStepEndDate: 'X', PerformedProcedureStepEndTime: 'X', PerformedProcedureStepID: 'X',
  PerformedProcedureStepDescription: 'X', CommentsOnThePerformedProcedureStep: 'X', PerformedStationNameCodeSequence: 'X',
  PerformedStationGeographicLocationCodeSequence: 'X', RequestAttributesSequence: 'X', RequestedProcedureID: 'X',
  RequestedProcedureLocation: 'X', RequestedProcedureComments: 'X', ImagingServiceRequestComments: 'X', OrderEnteredBy: 'X',
  OrderEntererLocation: 'X', OrderCallbackPhoneNumber: 'X', PlacerOrderNumberImagingServiceRequest: 'Z',
  FillerOrderNumberImagingServiceRequest: 'Z', NamesOfIntendedRecipientsOfResults: 'X', IntendedRecipientsOfResultsIdentificationSequence: 'X',
  PersonAddress: 'X', PersonTelephoneNumbers: 'X', PreMedication: 'X', ScheduledStationAETitle: 'X', ScheduledStationName: 'X',
  ScheduledStationNameCodeSequence: 'X', ScheduledStationGeographicLocationCodeSequence: 'X', ScheduledProcedureStepLocation: 'X',
  ScheduledProcedureStepStartDate: 'X', ScheduledProcedureStepStartTime: 'X', ScheduledProcedureStepEndDate: 'X',
  ScheduledProcedureStepEndTime: 'X', ScheduledProcedureStepDescription: 'X', ScheduledPerformingPhysicianName: 'X',
  ScheduledPerformingPhysicianIdentificationSequence: 'X', ScheduledHumanPerformersSequence: 'X', ActualHumanPerformersSequence: 'X',
  HumanPerformerName: 'X', HumanPerformerOrganization: 'X',
  // Structured reporting, observers, signatures and audit trails (PS3.3 C.17)
  ContentSequence: 'X', AuthorObserverSequence: 'X', ParticipantSequence: 'X', CustodialOrganizationSequence: 'X', VerifyingOrganization: 'X',
  VerifyingObserverName: 'D', VerifyingObserverSequence: 'D', VerifyingObserverIdentificationCodeSequence: 'Z', PersonName: 'D',
  PersonIdentificationCodeSequence: 'D', ReviewerName: 'X', DigitalSignaturesSequence: 'X', ReferencedDigitalSignatureSequence: 'X',
  ReferencedSOPInstanceMACSequence: 'X', MACParametersSequence: 'X', ModifiedAttributesSequence: 'X', OriginalAttributesSequence: 'X',
  DataSetTrailingPadding: 'X',
  // UIDs of instances and their relations, replaced consistently (E.1-1 "U")
  StudyInstanceUID: 'U', SeriesInstanceUID: 'U', SOPInstanceUID: 'U', ReferencedSOPInstanceUID: 'U', FrameOfReferenceUID: 'U',
  ReferencedFrameOfReferenceUID: 'U', RelatedFrameOfReferenceUID: 'U', SynchronizationFrameOfReferenceUID: 'U', IrradiationEventUID: 'U',
  ConcatenationUID: 'U', DimensionOrganizationUID: 'U', InstanceCreatorUID: 'U', StorageMediaFileSetUID: 'U', DeviceUID: 'U',
  FiducialUID: 'U', FailedSOPInstanceUIDList: 'U', LargePaletteColorLookupTableUID: 'U', TemplateExtensionOrganizationUID: 'U',
  TemplateExtensionCreatorUID: 'U', TransactionUID: 'U', UID: 'U', DoseReferenceUID: 'U', TargetUID: 'U',
  ReferencedGeneralPurposeScheduledProcedureStepTransactionUID: 'U', MultiFrameSourceSOPInstanceUID: 'U',
};

/**
 * Repeating groups of the table (PS3.15 E.1-1): Overlay Data (60xx,3000) and Overlay Comments
 * (60xx,4000) are removed; the retired Curve Data groups (50xx,xxxx) are removed whole.
 */
export function repeatingGroupAction(tag: number): DeidentAction | undefined {
  const group = tag >>> 16;
  const element = tag & 0xffff;
  if (group >= 0x5000 && group <= 0x50ff && (group & 1) === 0) return 'X';
  if (group >= 0x6000 && group <= 0x60ff && (group & 1) === 0 && (element === 0x3000 || element === 0x4000)) return 'X';
  return undefined;
}

/**
 * De-identification Method Code Sequence (0012,0064) item: CID 7050, code 113100 of DCM
 * (PS3.16), "Basic Application Confidentiality Profile".
 */
export const BASIC_PROFILE_CODE = { codeValue: '113100', codingSchemeDesignator: 'DCM', codeMeaning: 'Basic Application Confidentiality Profile' } as const;

/** Value of De-identification Method (0012,0063), LO: at most 64 characters. */
export const BASIC_PROFILE_METHOD = 'PS3.15 E.1 Basic Application Confidentiality Profile';
