// A C-MOVE/C-GET identifier → the instances it names (PS3.4 C.4.2.2.1, C.4.3.2.1: the unique
// key of the retrieve level, as one value or a list of UIDs, and the unique keys above it).
import type { DataSet } from '@pacs/dicom';
import { IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, QueryIdentifierError } from './query-errors';
import { QueryTag } from './query-keys';
import { isQueryLevel, MODEL_LEVELS, queryModelOf, UNIQUE_KEY, type QueryLevel, type QueryModelName } from './query-model';

export interface RetrieveQuery {
  model: QueryModelName;
  level: QueryLevel;
  /** Patient ID (0010,0020) and, when given, Issuer of Patient ID (0010,0021). */
  patientId?: string;
  issuerOfPatientId?: string;
  studyInstanceUids?: string[];
  seriesInstanceUids?: string[];
  sopInstanceUids?: string[];
}

/** One instance a retrieve sends: what to propose, and where its object is. */
export interface RetrieveInstance {
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  /** Storage tier and object key of the location read (a Part 10 object); null when no location is usable. */
  tier: string | null;
  storageKey: string | null;
  size: number;
}

const refuse = (comment: string, tag: number): QueryIdentifierError => new QueryIdentifierError(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, comment, [tag]);

export function parseRetrieveIdentifier(identifier: DataSet, sopClassUid: string): RetrieveQuery {
  const model = queryModelOf(sopClassUid);
  if (!model) throw new QueryIdentifierError(IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, `${sopClassUid} is not a retrieve information model`);
  const levelValue = identifier.getString(QueryTag.QueryRetrieveLevel)?.trim() ?? '';
  if (!isQueryLevel(levelValue) || !MODEL_LEVELS[model].includes(levelValue)) {
    throw refuse(levelValue === '' ? 'Query/Retrieve Level missing' : `${JSON.stringify(levelValue.slice(0, 16))} is not a retrieve level of ${model}`, QueryTag.QueryRetrieveLevel);
  }
  const level: QueryLevel = levelValue;
  const levels = MODEL_LEVELS[model];
  const query: RetrieveQuery = { model, level };
  for (const l of levels.slice(0, levels.indexOf(level) + 1)) {
    const tag = UNIQUE_KEY[l];
    const values = (identifier.getStrings(tag) ?? []).map((v) => v.trim()).filter((v) => v !== '');
    const atLevel = l === level;
    if (values.length === 0) {
      // The unique key of the retrieve level is required; those above only narrow the selection.
      if (atLevel) throw refuse(`${level} retrieve without its unique key`, tag);
      continue;
    }
    if (values.some((v) => /[*?]/.test(v))) throw refuse('a retrieve names instances by unique keys, without wildcards', tag);
    if (!atLevel && values.length > 1) throw refuse(`one value of the ${l} unique key is allowed above the retrieve level`, tag);
    if (l === 'PATIENT') {
      if (values.length > 1) throw refuse('one Patient ID per retrieve', tag);
      query.patientId = values[0];
      const issuer = identifier.getString(QueryTag.IssuerOfPatientID)?.trim();
      if (issuer) query.issuerOfPatientId = issuer;
    } else if (l === 'STUDY') query.studyInstanceUids = values;
    else if (l === 'SERIES') query.seriesInstanceUids = values;
    else query.sopInstanceUids = values;
  }
  return query;
}
