// The admin API and DICOMweb as an OpenAPI 3.1 document, written by hand (the bundle has no
// decorator metadata for @nestjs/swagger to read). Served at /api/openapi.json.

type Op = Record<string, unknown>;
const problem = { description: 'Error (application/problem+json, RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
const json = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const page = (item: string) => ({ type: 'object', properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: ref(item) } } });
const q = (name: string, description: string, schema: unknown = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const p = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string', pattern: '^[0-9.]{1,64}$' } });
const paging = [q('limit', 'Page size', { type: 'integer', minimum: 1 }), q('offset', 'Items skipped', { type: 'integer', minimum: 0 }), q('sort', 'Sort key, "-" in front for descending')];
const errors = { 400: problem, 401: problem, 403: problem, 404: problem };
const op = (summary: string, role: string, extra: Op = {}): Op => ({ summary, description: `Role: ${role}.`, responses: { 200: { description: 'OK' }, ...errors }, ...extra });
const qido = (summary: string, params: unknown[] = []) =>
  op(summary, 'viewer', {
    tags: ['QIDO-RS'],
    parameters: [...params, q('includefield', 'Attribute keywords/tags to add, or "all"'), q('fuzzymatching', 'true: person names match without regard to case'), q('limit', 'Most results', { type: 'integer' }), q('offset', 'Results skipped', { type: 'integer' }), q('{attribute}', 'Attribute matching by keyword or tag (PS3.18 §8.3.4.1)')],
    responses: { 200: { description: 'Matches (PS3.18 F.2 DICOM JSON)', content: { 'application/dicom+json': {} } }, ...errors },
  });
const wado = (summary: string, params: unknown[]) =>
  op(summary, 'viewer', { tags: ['WADO-RS'], parameters: params, responses: { 200: { description: 'multipart/related; type="application/dicom": the stored objects', content: { 'multipart/related': {} } }, 406: problem, ...errors } });
const meta = (summary: string, params: unknown[]) =>
  op(summary, 'viewer', { tags: ['WADO-RS'], parameters: params, responses: { 200: { description: 'DICOM JSON array', content: { 'application/dicom+json': {} } }, ...errors } });
const png = { description: 'image/png', content: { 'image/png': {} } };
const rendered = (summary: string, params: unknown[]) =>
  op(summary, 'viewer', {
    tags: ['WADO-RS'],
    parameters: [
      ...params,
      q('viewport', 'vw,vh: fit inside, keeping the aspect ratio (PS3.18 §8.3.5.1.3)'),
      q('window', 'center,width[,linear|linear-exact|sigmoid] (PS3.18 §8.3.5.1.4); default the object\'s first Window Center/Width, else the frame\'s min/max'),
    ],
    responses: { 200: png, 406: { ...problem, description: 'Not image/png, or a compressed or unsupported image' }, ...errors },
  });
const JOB = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[1-9][0-9]*$' } };
const S = p('study', 'Study Instance UID');
const R = p('series', 'Series Instance UID');
const I = p('instance', 'SOP Instance UID');
const UID = p('uid', 'UID');

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'PACS admin API and DICOMweb', version: '0.1.0', description: 'Auth: Authorization: Bearer <token> (roles viewer < operator < admin). Errors are application/problem+json. Every mutating call is audited.' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Problem: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' } } },
      AeMapEntryInput: {
        type: 'object', required: ['aeTitle'], additionalProperties: false,
        properties: {
          aeTitle: { type: 'string', maxLength: 16, description: 'Wildcards * and ? allowed' }, host: { type: 'string' }, port: { type: 'integer', minimum: 0, maximum: 65535 },
          tls: { type: 'boolean' }, store: { type: 'boolean' }, query: { type: 'boolean' }, retrieve: { type: 'boolean' }, preferredTransferSyntax: { type: 'string' },
          description: { type: 'string' }, position: { type: 'integer', description: 'First-match order, lowest first' },
        },
      },
      AeMapEntry: { allOf: [ref('AeMapEntryInput'), { type: 'object', properties: { id: { type: 'string' }, source: { enum: ['config', 'api'] }, createdAt: { type: 'string' }, updatedAt: { type: 'string' } } }] },
      ApiToken: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, role: { enum: ['viewer', 'operator', 'admin'] }, createdBy: { type: ['string', 'null'] }, createdAt: { type: 'string' }, lastUsedAt: { type: ['string', 'null'] }, revokedAt: { type: ['string', 'null'] } } },
      AuditEntry: { type: 'object', properties: { id: { type: 'string' }, at: { type: 'string' }, actor: { type: 'string' }, action: { type: 'string' }, target: { type: 'object' }, outcome: { enum: ['success', 'failure'] }, status: { type: 'integer' }, detail: { type: 'string' } } },
      Patient: { type: 'object', properties: { patientId: { type: 'string' }, issuerOfPatientId: { type: 'string' }, patientName: { type: ['string', 'null'] }, birthDate: { type: ['string', 'null'] }, sex: { type: ['string', 'null'] }, numberOfStudies: { type: 'integer' } } },
      Study: {
        type: 'object',
        properties: {
          studyInstanceUid: { type: 'string' }, studyDate: { type: ['string', 'null'] }, studyTime: { type: ['string', 'null'] }, accessionNumber: { type: ['string', 'null'] }, studyId: { type: ['string', 'null'] },
          studyDescription: { type: ['string', 'null'] }, referringPhysicianName: { type: ['string', 'null'] }, modalitiesInStudy: { type: 'array', items: { type: 'string' } },
          numberOfSeries: { type: 'integer' }, numberOfInstances: { type: 'integer' }, patient: ref('Patient'), createdAt: { type: 'string' }, updatedAt: { type: 'string' },
        },
      },
      Series: { type: 'object', properties: { seriesInstanceUid: { type: 'string' }, studyInstanceUid: { type: 'string' }, modality: { type: ['string', 'null'] }, seriesNumber: { type: ['integer', 'null'] }, seriesDescription: { type: ['string', 'null'] }, numberOfInstances: { type: 'integer' } } },
      Instance: { type: 'object', properties: { sopInstanceUid: { type: 'string' }, sopClassUid: { type: 'string' }, instanceNumber: { type: ['integer', 'null'] }, rows: { type: ['integer', 'null'] }, columns: { type: ['integer', 'null'] }, numberOfFrames: { type: ['integer', 'null'] }, transferSyntaxUid: { type: 'string' }, size: { type: 'integer' }, receivedAt: { type: 'string' } } },
      Deleted: { type: 'object', properties: { deleted: { type: 'boolean' }, instances: { type: 'integer' } } },
      AnonymizeRequest: {
        type: 'object', additionalProperties: false,
        properties: {
          profile: { enum: ['basic'], description: 'PS3.15 E.1 Basic Application Level Confidentiality Profile (Table E.1-1)' },
          patientName: { type: 'string', maxLength: 64, description: 'New Patient\'s Name (default ANONYMOUS); printable ASCII' },
          patientId: { type: 'string', maxLength: 64, description: 'New Patient ID (default a pseudonym derived from the original by a keyed hash)' },
          keep: { type: 'array', items: { type: 'string' }, description: 'Keywords of Table E.1-1 to keep (action K); not UIDs, PatientName or PatientID' },
          deleteOriginal: { type: 'boolean', description: 'Delete the original study once the copy is stored and indexed' },
        },
      },
      ModifyRequest: {
        type: 'object', required: ['set'], additionalProperties: false,
        properties: {
          set: {
            type: 'object', description: 'Keyword -> new value ("" empty, null removes). Allowed: PatientName, PatientID, IssuerOfPatientID, PatientBirthDate, PatientSex, StudyDate, StudyTime, AccessionNumber, StudyID, StudyDescription, ReferringPhysicianName',
            additionalProperties: { type: ['string', 'null'] },
          },
          newUids: { type: 'boolean', description: 'Copy with new Study/Series/SOP Instance UIDs and delete the original; default: replace the objects under their UIDs' },
        },
      },
      MergeRequest: { type: 'object', required: ['into'], additionalProperties: false, properties: { into: { type: 'string', description: 'Study Instance UID of the target study' } } },
      RewrittenStudy: {
        type: 'object',
        properties: {
          studyInstanceUid: { type: 'string', description: 'The study holding the rewritten instances' }, instances: { type: 'integer' },
          merged: { type: 'integer', description: 'merge: instances moved into the target' },
        },
      },
      SendRequest: {
        type: 'object', required: ['destination', 'studyInstanceUid'], additionalProperties: false,
        properties: { destination: { type: 'string', maxLength: 16, description: 'AE title in the AE map with host, port and retrieve allowed' }, studyInstanceUid: { type: 'string' }, seriesInstanceUid: { type: 'string', description: 'Send only this series' } },
      },
      Job: {
        type: 'object',
        properties: {
          id: { type: 'string' }, kind: { type: 'string', description: 'forward (send jobs and forwarding rules), mirror, move-study, cleanup-study, verify' }, target: { type: 'string' },
          state: { enum: ['queued', 'running', 'done', 'failed', 'cancelled'] }, destination: { type: 'string' }, level: { enum: ['study', 'series', 'instance'] },
          total: { type: 'integer', description: 'Instances the send job started with' }, remaining: { type: 'integer', description: 'Instances not yet taken by the destination (forward jobs)' },
          attempts: { type: 'integer' }, maxAttempts: { type: 'integer' }, lastError: { type: ['string', 'null'] },
          createdAt: { type: 'string' }, updatedAt: { type: 'string' }, finishedAt: { type: ['string', 'null'] },
        },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'alive' } } } },
    '/readyz': { get: { summary: 'Readiness (database, bus, storage)', security: [], responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } } } },
    '/api/status': { get: op('Mode, versions, readiness, effective configuration (secrets masked)', 'viewer') },
    '/api/statistics': { get: op('Archive counts', 'viewer') },
    '/api/ae-map': {
      get: op('AE map entries in first-match order', 'viewer', { responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: ref('AeMapEntry') } } }), ...errors } }),
      post: op('Add an entry (reaches every listener at once)', 'admin', { requestBody: { content: { 'application/json': { schema: ref('AeMapEntryInput') } } }, responses: { 201: json(ref('AeMapEntry'), 'Created'), 409: problem, ...errors } }),
    },
    '/api/ae-map/{id}': {
      get: op('One entry', 'viewer', { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] }),
      put: op('Change an entry (fields not given are kept)', 'admin', { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], requestBody: { content: { 'application/json': { schema: ref('AeMapEntryInput') } } } }),
      delete: op('Remove an entry', 'admin', { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] }),
    },
    '/api/tokens': {
      get: op('API tokens (never the tokens themselves)', 'admin', { responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: ref('ApiToken') } } }), ...errors } }),
      post: op('Create a token; the answer holds the token, once', 'admin', { requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['name', 'role'], properties: { name: { type: 'string' }, role: { enum: ['viewer', 'operator', 'admin'] } } } } } }, responses: { 201: json({ allOf: [ref('ApiToken'), { type: 'object', properties: { token: { type: 'string' } } }] }, 'Created'), 409: problem, ...errors } }),
    },
    '/api/tokens/{id}': { delete: op('Revoke a token', 'admin', { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }] }) },
    '/api/audit': { get: op('Audit trail, newest first', 'admin', { parameters: [q('actor', 'Token name'), q('action', 'Action'), q('since', 'ISO date-time'), q('until', 'ISO date-time'), ...paging.slice(0, 2)], responses: { 200: json(page('AuditEntry')), ...errors } }) },
    '/api/patients': { get: op('Patients', 'viewer', { parameters: [q('patientName', 'Wildcards * ?, any case'), q('patientId', 'Wildcards * ?'), ...paging], responses: { 200: json(page('Patient')), ...errors } }) },
    '/api/studies': {
      get: op('Studies', 'viewer', {
        parameters: [q('patientName', 'Wildcards * ?, any case'), q('patientId', 'Wildcards * ?'), q('studyDateFrom', 'YYYYMMDD'), q('studyDateTo', 'YYYYMMDD'), q('modality', 'Modality in study'), q('accessionNumber', 'Wildcards * ?'), q('studyDescription', 'Wildcards * ?, any case'), ...paging],
        responses: { 200: json(page('Study')), ...errors },
      }),
    },
    '/api/studies/{uid}': { get: op('One study with its stored attributes (DICOM JSON)', 'viewer', { parameters: [UID] }), delete: op('Delete a study from index and storage (audited)', 'operator', { parameters: [UID], responses: { 200: json(ref('Deleted')), ...errors } }) },
    '/api/studies/{uid}/series': { get: op('Series of a study', 'viewer', { parameters: [UID, q('modality', 'Modality'), ...paging], responses: { 200: json(page('Series')), ...errors } }) },
    '/api/studies/{uid}/anonymize': {
      post: op('Anonymize a study (PS3.15 E.1 Basic Profile) into a new study with derived UIDs; pixel data unchanged; safe to repeat (audited)', 'operator', {
        parameters: [UID], requestBody: { content: { 'application/json': { schema: ref('AnonymizeRequest') } } },
        responses: { 202: json(ref('RewrittenStudy'), 'Stored and indexed'), 409: problem, 413: problem, 422: problem, 503: problem, ...errors },
      }),
    },
    '/api/studies/{uid}/modify': {
      post: op('Change patient/study attributes on every instance of a study, in place or as a copy with new UIDs (audited)', 'operator', {
        parameters: [UID], requestBody: { content: { 'application/json': { schema: ref('ModifyRequest') } } },
        responses: { 200: json(ref('RewrittenStudy')), 409: problem, 413: problem, 422: problem, 503: problem, ...errors },
      }),
    },
    '/api/studies/{uid}/merge': {
      post: op('Move the series of a study into another study (target\'s patient/study attributes, same Series/SOP Instance UIDs), then delete it (audited)', 'operator', {
        parameters: [UID], requestBody: { content: { 'application/json': { schema: ref('MergeRequest') } } },
        responses: { 200: json(ref('RewrittenStudy')), 409: problem, 413: problem, 422: problem, 503: problem, ...errors },
      }),
    },
    '/api/series/{uid}': { delete: op('Delete a series from index and storage (audited)', 'operator', { parameters: [UID], responses: { 200: json(ref('Deleted')), ...errors } }) },
    '/api/series/{uid}/instances': { get: op('Instances of a series', 'viewer', { parameters: [UID, ...paging], responses: { 200: json(page('Instance')), ...errors } }) },
    '/api/instances/{uid}': { get: op('One instance', 'viewer', { parameters: [UID], responses: { 200: json(ref('Instance')), ...errors } }), delete: op('Delete an instance from index and storage (audited)', 'operator', { parameters: [UID], responses: { 200: json(ref('Deleted')), ...errors } }) },
    '/api/instances/{uid}/file': { get: op('Download the stored object', 'viewer', { parameters: [UID], responses: { 200: { description: 'Part 10 file', content: { 'application/dicom': {} } }, ...errors } }) },
    '/api/series/{uid}/thumbnail': { get: op('PNG thumbnail of a series: the middle instance\'s first frame fitted into 128×128', 'viewer', { parameters: [UID], responses: { 200: png, 406: problem, ...errors } }) },
    '/api/jobs': {
      get: op('Archive jobs, newest first', 'viewer', {
        parameters: [q('state', 'queued, running, done, failed or cancelled'), q('kind', 'Job kind, e.g. forward'), ...paging.slice(0, 2)],
        responses: { 200: json({ type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: ref('Job') } } }), ...errors },
      }),
    },
    '/api/jobs/send': {
      post: op('Send a study or series to an AE by C-STORE (a job run by the archiver, retried while the destination is down; audited)', 'operator', {
        requestBody: { content: { 'application/json': { schema: ref('SendRequest') } } },
        responses: { 202: json(ref('Job'), 'Accepted: the job is queued'), 422: problem, ...errors },
      }),
    },
    '/api/jobs/{id}': { get: op('One job with its progress', 'viewer', { parameters: [JOB], responses: { 200: json(ref('Job')), ...errors } }) },
    '/api/forward-rules': {
      get: op('Forwarding rules in evaluation order (source config or api)', 'viewer', { responses: { 200: json({ type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } } }), ...errors } }),
    },
    '/api/forward-rules/{name}': {
      get: op('One forwarding rule', 'viewer', { parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }] }),
      put: op('Create (201) or replace (200) a rule, shaped as archiver.forwardRules[]; applies to the next received objects; configured rules are 409 (audited)', 'admin', { parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: { 200: json({ type: 'object' }), 201: json({ type: 'object' }, 'Created'), 409: problem, ...errors } }),
      delete: op('Delete a rule created through the API (audited)', 'admin', { parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: json({ type: 'object' }), 409: problem, ...errors } }),
    },
    '/api/jobs/{id}/cancel': { post: op('Cancel a queued or running job (audited)', 'operator', { parameters: [JOB], responses: { 200: json(ref('Job')), 409: problem, ...errors } }) },
    // Issue 7: change feed, regen, conformance, recent associations.
    '/api/changes': {
      get: op('Change feed (as Orthanc /changes): new-*, updated-*, deleted-* of patients, studies, series and instances, and study-stable, oldest first; read on with since=<last> until done. Also published on the bus as <prefix>.changes.<kind>', 'viewer', {
        parameters: [q('since', 'Sequence number of the last change seen (default 0)', { type: 'integer', minimum: 0 }), q('limit', 'Changes per page (default 100)', { type: 'integer', minimum: 1, maximum: 1000 })],
        responses: {
          200: json({
            type: 'object',
            properties: {
              changes: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['seq', 'kind', 'level', 'uid', 'at'],
                  properties: {
                    seq: { type: 'integer' },
                    kind: { type: 'string', example: 'new-instance' },
                    level: { enum: ['patient', 'study', 'series', 'instance'] },
                    uid: { type: 'string', description: 'Patient ID, Study/Series/SOP Instance UID' },
                    studyInstanceUid: { type: 'string' },
                    at: { type: 'string', format: 'date-time' },
                  },
                },
              },
              last: { type: 'integer', description: 'Pass as since to read on' },
              done: { type: 'boolean', description: 'No more changes after last for now' },
            },
          }),
          ...errors,
        },
      }),
    },
    '/api/regen': {
      post: op('Rebuild the index from storage (Conquest regen): the whole archive, or one study; a job run by the archiver, shown in /api/jobs (audited)', 'admin', {
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { studyInstanceUid: { type: 'string' } }, additionalProperties: false } } } },
        responses: { 202: json(ref('Job'), 'Accepted: the regen job is queued'), ...errors },
      }),
    },
    '/api/conformance': {
      get: op('What the DICOM listener accepts: SOP classes with their transfer syntaxes, AE title, ports, implementation class UID and version name', 'viewer', {
        responses: {
          200: json({
            type: 'object',
            properties: {
              aeTitle: { type: 'string' },
              acceptUnknownCallingAe: { type: 'boolean' },
              ports: { type: 'object', properties: { dicom: { type: 'integer' }, dicomTls: { type: 'integer' }, http: { type: 'integer' } } },
              implementationClassUid: { type: 'string' },
              implementationVersionName: { type: 'string' },
              maxPduLength: { type: 'integer' },
              sopClasses: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { uid: { type: 'string' }, keyword: { type: 'string' }, serviceClass: { enum: ['verification', 'storage', 'query-retrieve'] }, retired: { type: 'boolean' }, transferSyntaxes: { type: 'array', items: { type: 'string' } } },
                },
              },
              transferSyntaxes: { type: 'array', items: { type: 'object', properties: { uid: { type: 'string' }, name: { type: 'string' }, retired: { type: 'boolean' } } } },
            },
          }),
          ...errors,
        },
      }),
    },
    '/api/associations': {
      get: op('The last 200 associations of the listeners (kept in memory by this admin-api), newest first, with their operations and failures', 'viewer', {
        parameters: [q('failed', 'true: rejected, aborted or with a failed operation; false: the others', { enum: ['true', 'false'] }), q('callingAe', 'Calling AE title'), ...paging.slice(0, 2)],
        responses: {
          200: json({
            type: 'object',
            properties: {
              total: { type: 'integer' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' }, callingAe: { type: 'string' }, calledAe: { type: 'string' }, peer: { type: 'string' },
                    startedAt: { type: 'string', format: 'date-time' }, endedAt: { type: 'string', format: 'date-time' },
                    outcome: { enum: ['released', 'rejected', 'aborted', 'closed'] },
                    rejection: { type: 'object', properties: { result: { type: 'integer' }, source: { type: 'integer' }, reason: { type: 'integer' } } },
                    abort: { type: 'object', properties: { source: { type: 'integer' }, reason: { type: 'integer' }, initiator: { type: 'string' }, cause: { type: 'string' } } },
                    operations: { type: 'object', additionalProperties: { type: 'integer' } },
                    failures: { type: 'array', items: { type: 'object', properties: { operation: { type: 'string' }, status: { type: 'integer' }, sopInstanceUid: { type: 'string' }, comment: { type: 'string' } } } },
                    failureCount: { type: 'integer' },
                  },
                },
              },
            },
          }),
          ...errors,
        },
      }),
    },
    '/dicom-web/studies': {
      get: qido('QIDO-RS: search for studies'),
      post: op('STOW-RS: store instances (multipart/related; type="application/dicom")', 'operator', {
        tags: ['STOW-RS'],
        requestBody: { content: { 'multipart/related': {} } },
        responses: { 200: { description: 'All stored' }, 202: { description: 'Some failed, or stored with warnings' }, 409: { description: 'None stored' }, 413: problem, 415: problem, ...errors },
      }),
    },
    '/dicom-web/series': { get: qido('QIDO-RS: search for series') },
    '/dicom-web/instances': { get: qido('QIDO-RS: search for instances') },
    '/dicom-web/studies/{study}/series': { get: qido('QIDO-RS: series of a study', [S]) },
    '/dicom-web/studies/{study}/instances': { get: qido('QIDO-RS: instances of a study', [S]) },
    '/dicom-web/studies/{study}/series/{series}/instances': { get: qido('QIDO-RS: instances of a series', [S, R]) },
    '/dicom-web/studies/{study}': { get: wado('WADO-RS: a study', [S]), post: op('STOW-RS into this study', 'operator', { tags: ['STOW-RS'], parameters: [S] }) },
    '/dicom-web/studies/{study}/series/{series}': { get: wado('WADO-RS: a series', [S, R]) },
    '/dicom-web/studies/{study}/series/{series}/instances/{instance}': { get: wado('WADO-RS: an instance', [S, R, I]) },
    '/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}': {
      get: op('WADO-RS: frames (comma-separated, from 1) of an uncompressed image', 'viewer', { tags: ['WADO-RS'], parameters: [S, R, I, { name: 'frames', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'multipart/related; type="application/octet-stream"' }, 406: problem, ...errors } }),
    },
    '/dicom-web/studies/{study}/series/{series}/instances/{instance}/bulkdata/7fe00010': {
      get: op('WADO-RS: Pixel Data as bulk data (uncompressed objects)', 'viewer', { tags: ['WADO-RS'], parameters: [S, R, I], responses: { 200: { description: 'multipart/related; type="application/octet-stream"' }, 406: problem, ...errors } }),
    },
    '/dicom-web/studies/{study}/series/{series}/instances/{instance}/rendered': { get: rendered('WADO-RS: the first frame rendered as PNG (PS3.18 §10.4.1.1.3)', [S, R, I]) },
    '/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frame}/rendered': {
      get: rendered('WADO-RS: one frame rendered as PNG (PS3.18 §10.4.1.1.3)', [S, R, I, { name: 'frame', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }]),
    },
    '/dicom-web/studies/{study}/metadata': { get: meta('WADO-RS: metadata of a study', [S]) },
    '/dicom-web/studies/{study}/series/{series}/metadata': { get: meta('WADO-RS: metadata of a series', [S, R]) },
    '/dicom-web/studies/{study}/series/{series}/instances/{instance}/metadata': { get: meta('WADO-RS: metadata of an instance', [S, R, I]) },
  },
} as const;
