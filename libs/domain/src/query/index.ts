export type { QueryLevel, QueryModelName } from './query-model';
export { QUERY_LEVELS, MODEL_LEVELS, LEVEL_ENTITY, UNIQUE_KEY, entityAvailableAt, entitiesAt, isQueryLevel, queryModelOf, levelsAbove } from './query-model';
export type { KeyType, ComputedKey, ComputedKeyInfo } from './query-keys';
export { keyType, COMPUTED_KEYS, computedKey, QueryTag, isControlKey } from './query-keys';
export type { Matcher, KeyCondition, DateTimeRangeCondition, ReturnKey, FindQuery, QueryOptions, ComputedValues, QueryMatch } from './query';
export { QueryIdentifierError, TooManyMatchesError, IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, UNABLE_TO_PROCESS, OUT_OF_RESOURCES } from './query-errors';
export type { RangeVr, RangeBounds } from './date-time-range';
export { rangeBounds, comparableTime, comparableDateTime, normaliseDate, START_OF_DAY, END_OF_DAY } from './date-time-range';
export { WILDCARD_VRS, parseMatcher } from './parse-matcher';
export { parseFindIdentifier, keyEntity } from './parse-find';
export { DATE_TIME_PAIRS } from './combined-date-time';
export { matchesQuery, conditionMatches, wildcardRegExp, storedStrings, hasNonAscii, COMPUTED_FIELD } from './match';
export { assembleResponse, type ResponseContext } from './assemble-response';
export { parseRetrieveIdentifier, type RetrieveQuery, type RetrieveInstance } from './retrieve-query';
export {
  QR_QUEUE_GROUP, qrSubjects, QrProtocolError, encodeQrRequest, decodeQrRequest, encodeFindMatch, encodeOutcome,
  encodeRetrieveInstances, decodeFindReply, decodeRetrieveReply, type QrRequest, type QrOutcome, type FindReply, type RetrieveReply,
} from './qr-protocol';
