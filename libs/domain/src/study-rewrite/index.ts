export {
  MODIFIABLE_ATTRIBUTES, MERGED_ATTRIBUTES, InvalidAttributeChangeError, AttributeEncodingError,
  parseAttributeChanges, applyAttributeChanges, changesFromStudy, type AttributeChange,
} from './patient-study-attributes';
export { remapStudyUids } from './study-uids';
