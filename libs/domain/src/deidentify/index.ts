export { BASIC_PROFILE, BASIC_PROFILE_CODE, BASIC_PROFILE_METHOD, type DeidentAction } from './basic-profile';
export { deidentify, basicProfileAction, UID_REPLACED_TAGS, type DeidentifyOptions, type DeidentifyReport } from './deidentify';
export { derivedUidMapping, derivedPseudonym, type UidMapping } from './uid-mapping';
