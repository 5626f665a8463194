import { z } from 'zod';

// The one configuration schema of the whole system. Every key is documented here, where it is
// declared; docs/configuration.md and the README table are written from these descriptions.
// Values come from a YAML/JSON file (PACS_CONFIG or --config) and PACS_* environment variables.

const port = z.number().int().min(1).max(65535);
const portOrZero = z.number().int().min(0).max(65535);
const aeTitle = z
  .string()
  .min(1)
  .max(16)
  .regex(/^(?=.*[^ ])[\x20-\x5b\x5d-\x7e]+$/, 'an AE title: 1-16 printable characters, no backslash, not all spaces (PS3.5 §6.2 AE)');
const durationMs = z.number().int().min(0);

export const dicomSchema = z
  .object({
    aeTitle: aeTitle.default('PACS').describe('AE title this PACS answers to'),
    host: z.string().default('0.0.0.0').describe('Address the DICOM listener binds'),
    port: portOrZero.default(11112).describe('DICOM TCP port (PS3.8 registered port 11112); 0 picks a free port'),
    tls: z
      .object({
        enabled: z.boolean().default(false).describe('Also listen for DICOM over TLS (PS3.15 Annex B)'),
        port: portOrZero.default(2762).describe('DICOM TLS port (registered 2762)'),
        certFile: z.string().optional().describe('PEM certificate chain'),
        keyFile: z.string().optional().describe('PEM private key'),
        caFile: z.string().optional().describe('PEM CA bundle used to verify client certificates'),
        requireClientCert: z.boolean().default(false).describe('Refuse TLS peers without a trusted client certificate'),
      })
      .strict()
      .default({}),
    maxPduLength: z.number().int().min(4096).max(256 * 1024 * 1024).default(16 * 1024 * 1024).describe('Largest PDU accepted from a peer, bytes'),
    maxAssociations: z.number().int().min(1).default(200).describe('Concurrent associations per listener process'),
    idleTimeoutMs: durationMs.default(120_000).describe('Abort an association silent for this long'),
    artimTimeoutMs: durationMs.default(30_000).describe('ARTIM timer (PS3.8 §9.1.5)'),
    acceptUnknownCallingAe: z.boolean().optional().describe('Accept calling AE titles missing from the AE map (default: yes embedded, no cluster)'),
    warmUpInstances: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('Synthetic 64 KiB C-STOREs sent through the receive path over loopback before the listener opens, so the first modality meets compiled code, not a cold JIT (about 1 s of CPU at start); 0 skips'),
  })
  .strict();

export const httpSchema = z
  .object({
    host: z.string().default('0.0.0.0').describe('Address the HTTP server binds'),
    port: portOrZero.default(8080).describe('HTTP port: admin API, DICOMweb, web UI, /healthz, /readyz'),
    auth: z
      .object({
        enabled: z
          .boolean()
          .optional()
          .describe('Require an API token (Authorization: Bearer) on everything but /healthz and /readyz (default: yes in cluster mode, no embedded); cluster mode refuses to start with auth on and no adminToken'),
        adminToken: z
          .string()
          .min(20, 'at least 20 characters')
          .optional()
          .describe('Bootstrap admin token (secret; set it from the environment, PACS_HTTP__AUTH__ADMINTOKEN); kept in the token table, hashed, as the token named "bootstrap-admin"'),
        oidc: z
          .object({
            issuer: z.string().url().describe('OpenID Connect issuer; a Bearer JWT must carry it as iss, and its discovery document gives the JWKS unless jwksUri is set'),
            audience: z.string().min(1).describe('Required aud of a Bearer JWT (the client ID of this API at the identity provider)'),
            jwksUri: z.string().url().optional().describe('JWKS URL of the signing keys (default: jwks_uri of <issuer>/.well-known/openid-configuration)'),
            roleClaim: z.string().min(1).default('roles').describe('Claim holding the roles (a string or an array; dotted path for nested claims, e.g. realm_access.roles)'),
            roleMapping: z
              .record(z.string(), z.enum(['viewer', 'operator', 'admin']))
              .optional()
              .describe('Identity-provider role -> PACS role; absent: roles named viewer, operator and admin are taken as they are'),
          })
          .strict()
          .optional()
          .describe('Accept OIDC access tokens (JWT, validated against the issuer\'s keys) besides API tokens; the highest mapped role counts'),
      })
      .strict()
      .default({}),
    cors: z
      .object({
        allowedOrigins: z.array(z.string().min(1)).default([]).describe('Origins allowed to call the API from a browser (CORS), e.g. https://viewer.example.org; "*" allows any; empty: no CORS headers'),
      })
      .strict()
      .default({}),
    maxUploadBytes: z.number().int().min(1024).default(1024 * 1024 * 1024).describe('Largest STOW-RS request body, bytes; larger uploads get 413 and store nothing'),
    maxJsonBytes: z.number().int().min(1024).default(1024 * 1024).describe('Largest JSON request body of the admin API, bytes'),
    uiDir: z.string().min(1).default('dist/web-ui').describe('Directory of the built web UI (npm run build writes dist/web-ui), served at /; relative paths resolve against the working directory'),
    ohifUrl: z.string().url().optional().describe('Base URL of an OHIF viewer reading this DICOMweb service; the web UI links studies to <ohifUrl>/viewer?StudyInstanceUIDs=...'),
    maxRewriteInstances: z
      .number()
      .int()
      .min(1)
      .default(5_000)
      .describe('Most instances one study modify, anonymize or merge request rewrites (it answers when all are stored and indexed); larger studies get 413'),
  })
  .strict();

export const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level'),
  })
  .strict();

export const telemetrySchema = z
  .object({
    serviceName: z.string().min(1).optional().describe('OpenTelemetry service.name (default: the app name)'),
    prometheus: z
      .object({
        enabled: z.boolean().default(true).describe('Serve Prometheus metrics'),
        host: z.string().default('0.0.0.0'),
        port: portOrZero.default(9464).describe('Prometheus metrics port'),
      })
      .strict()
      .default({}),
    otlpEndpoint: z.string().url().optional().describe('OTLP/HTTP endpoint for traces and metrics; off when unset'),
  })
  .strict();

export const databaseSchema = z
  .object({
    driver: z.enum(['pglite', 'postgres']).optional().describe('pglite (embedded, in-process) or postgres (default: pglite embedded, postgres cluster)'),
    url: z.string().optional().describe('postgres://user:pass@host:port/db (postgres driver)'),
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier').default('public').describe('Schema holding the PACS tables'),
    poolSize: z.number().int().min(1).max(200).default(10).describe('Connections per process (postgres driver)'),
    dataDir: z.string().optional().describe('PGlite data directory (default: <dataDir>/db)'),
    pgliteNice: z
      .number()
      .int()
      .min(0)
      .max(19)
      .default(10)
      .describe('Niceness of the PGlite thread (pglite driver): under CPU contention C-STORE acknowledgements go ahead of indexing and queries; 0 gives it the priority of the rest of the process'),
    statementTimeoutMs: durationMs.default(30_000).describe('Per-statement timeout (postgres driver)'),
  })
  .strict();

export const busSchema = z
  .object({
    driver: z.enum(['in-process', 'nats']).optional().describe('in-process (embedded) or nats (cluster, JetStream)'),
    servers: z.union([z.string(), z.array(z.string()).min(1)]).default('nats://127.0.0.1:4222').describe('NATS server URL(s)'),
    user: z.string().optional(),
    password: z.string().optional(),
    token: z.string().optional(),
    streamPrefix: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'upper-case letters, digits and _').default('PACS').describe('Prefix of JetStream stream names'),
    connectTimeoutMs: durationMs.default(5_000),
  })
  .strict();

const tierName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a tier name: lower-case letters, digits and -');

const s3StoreSchema = z
      .object({
        endPoint: z.string().default('127.0.0.1').describe('S3 host name'),
        port: port.optional().describe('S3 port (default 443 with SSL, 80 without)'),
        useSSL: z.boolean().default(true),
        accessKey: z.string().default(''),
        secretKey: z.string().default(''),
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name').default('pacs'),
        region: z.string().default('us-east-1'),
        pathStyle: z.boolean().default(true).describe('Path-style URLs (most on-premises S3 servers need this)'),
        createBucket: z.boolean().default(false).describe('Create the bucket at start when missing'),
      })
      .strict();

// Storage tiers (Conquest MAG, MIRROR and nightly-move devices on object storage). The store set
// by storage.driver/filesystem/s3 is the default store: it holds every tier without a driver of
// its own, in particular the primary tier named by ingest.tier when storage.tiers does not list it.
export const storageTierSchema = z
  .object({
    name: tierName.describe('Tier name, as used by ingest.tier, import-rule tier actions and object locations'),
    role: z
      .enum(['primary', 'mirror', 'nearline'])
      .describe('primary: where objects arrive; mirror: every primary object is also copied here; nearline: target of the nightly move'),
    driver: z.enum(['filesystem', 's3']).optional().describe('Store of this tier; absent: the default store (storage.driver)'),
    filesystem: z.object({ root: z.string().min(1).describe('Directory of this tier\'s objects') }).strict().optional().describe('Filesystem store (driver filesystem)'),
    s3: s3StoreSchema.optional().describe('S3 store (driver s3); same keys as storage.s3'),
    cleanupThresholdBytes: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Threshold cleanup (Conquest NightlyCleanThreshold): above this many bytes, the least recently received studies with a verified copy on another tier are removed from this tier; absent: never'),
  })
  .strict();

export const storageSchema = z
  .object({
    driver: z.enum(['filesystem', 's3']).optional().describe('filesystem (embedded) or s3 (any S3 API)'),
    filesystem: z
      .object({ root: z.string().optional().describe('Directory of stored objects (default: <dataDir>/objects)') })
      .strict()
      .default({}),
    s3: s3StoreSchema.default({}),
    tiers: z.array(storageTierSchema).default([]).describe('Storage tiers besides the default store: mirrors, nearline targets, primaries with their own store or cleanup threshold'),
  })
  .strict();

export const ingestSchema = z
  .object({
    keyTemplate: z
      .string()
      .default('{studyShard}/{studyInstanceUid}/{seriesInstanceUid}/{sopInstanceUid}.{uploadId}.dcm')
      .describe('Object key layout; placeholders {studyShard} {studyInstanceUid} {seriesInstanceUid} {sopInstanceUid} {uploadId}'),
    headerCapBytes: z.number().int().min(4096).max(64 * 1024 * 1024).default(512 * 1024).describe('Largest header (data set up to Pixel Data) carried in the event; larger ones are read from storage by the indexer'),
    storageFailureStatus: z.number().int().min(0xa700).max(0xcfff).or(z.literal(0x0110)).default(0x0110).describe('C-STORE status when storage or the bus fails (Conquest StorageFailedErrorCode); out of space gives 0xA700'),
    maxIndexLag: z.number().int().min(1).default(20_000).describe('Instances waiting for the indexer above which new C-STOREs get 0xA700 (back-pressure)'),
    streamMaxBytes: z.number().int().min(1024 * 1024).default(1024 * 1024 * 1024).describe('Size limit of the ingest stream; when full, C-STOREs get 0xA700'),
    indexerConcurrency: z.number().int().min(1).max(1024).default(128).describe('Events an indexer process handles at once (max ack pending); index transactions take up to half of them, at most 64'),
    indexerWarmUpInstances: z
      .number()
      .int()
      .min(0)
      .default(1000)
      .describe('Synthetic instances the indexer indexes at start in transactions it rolls back, so the first real ones meet compiled code (about 1 s at start); 0 skips'),
    duplicatePolicy: z.enum(['keep-first', 'replace', 'replace-same-source', 'reject-if-different']).default('keep-first').describe('What a second object with a known SOP Instance UID and a different digest does'),
    tier: z.string().regex(/^[a-z][a-z0-9-]*$/).default('primary').describe('Name of the storage tier new objects go to'),
    uidRemapSecret: z
      .string()
      .min(16)
      .optional()
      .describe('Secret salt of the newUids import-rule action (new UID = 2.25.<UUID from HMAC(secret, original UID)>); the same on every listener; required when a rule uses newUids'),
  })
  .strict();

// Import rules (Conquest's ImportConverters, modern form). The shape is checked here; tags,
// VRs, values and patterns are checked by compileImportRules (@pacs/domain) when the listener
// starts, and a bad rule stops it naming importRules[i].
const tagRef = z.string().min(1).describe('"00081010", "(0008,1010)", "0008,1010" or a keyword such as StationName');

export const importConditionSchema = z
  .object({
    tag: tagRef,
    equals: z.string().optional().describe('The value (padding trimmed, several values backslash-joined) equals this'),
    matches: z.string().optional().describe('ECMAScript regular expression tested against the value'),
    present: z.boolean().optional().describe('The attribute is (true) or is not (false) in the data set'),
  })
  .strict()
  .refine((c) => [c.equals, c.matches, c.present].filter((v) => v !== undefined).length === 1, 'give exactly one of equals, matches, present');

export const importMatchSchema = z
  .object({
    calledAe: z.string().optional().describe('Called AE title pattern; * and ? are wildcards'),
    callingAe: z.string().optional().describe('Calling AE title pattern; * and ? are wildcards'),
    modality: z.union([z.string(), z.array(z.string())]).optional().describe('Modality (0008,0060) pattern(s); "" matches only an empty modality'),
    sopClassUids: z.array(z.string()).optional().describe('SOP Class UIDs the rule applies to'),
    attributes: z.array(importConditionSchema).optional().describe('Conditions on header attributes; all must hold'),
  })
  .strict();

export const importActionSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('set').describe('Set an attribute'),
    tag: tagRef,
    vr: z.string().length(2).optional().describe('VR; default the dictionary VR (required for private tags)'),
    value: z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]).describe('Value, or a list for several values'),
  }).strict(),
  z.object({ action: z.literal('delete').describe('Remove an attribute'), tag: tagRef }).strict(),
  z.object({ action: z.literal('copy').describe('Copy an attribute to another tag'), from: tagRef, to: tagRef }).strict(),
  z.object({
    action: z.literal('newUids').describe('Replace Study/Series/SOP Instance UIDs and references by UIDs derived from ingest.uidRemapSecret'),
    except: z.array(tagRef).optional().describe('UID attributes to keep'),
  }).strict(),
  z.object({
    action: z.literal('reject').describe('Refuse the object'),
    status: z.number().int().min(0).max(0xffff).optional().describe('C-STORE failure status (default 0x0124, refused: not authorized)'),
    comment: z.string().max(64).optional().describe('Error Comment (0000,0902) sent to the SCU'),
  }).strict(),
  z.object({ action: z.literal('tier').describe('Store to this tier'), tier: z.string().regex(/^[a-z][a-z0-9-]*$/) }).strict(),
]);

export const importRuleSchema = z
  .object({
    name: z.string().min(1).optional().describe('Name in logs and Error Comments'),
    match: importMatchSchema.optional().describe('Which objects the rule applies to; absent: all'),
    actions: z.array(importActionSchema).min(1).describe('Applied in order; reject ends the evaluation'),
    silent: z.boolean().default(false).describe('Changes by this rule do not make the C-STORE status 0xB000 (coercion of data elements)'),
  })
  .strict();

export const regenSchema = z
  .object({
    concurrency: z.number().int().min(1).max(256).default(8).describe('Objects read and announced at once by regen and the reconciler'),
    progressEvery: z.number().int().min(1).default(1_000).describe('Log a progress line every this many objects'),
    maxBacklog: z
      .number()
      .int()
      .min(1)
      .default(5_000)
      .describe('Announcing pauses while more events than this wait for the indexer; keep it below ingest.maxIndexLag so live C-STOREs never get 0xA700 because of regen'),
  })
  .strict();

export const reconcilerSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Run the periodic sweep in the archiver (one archiver at a time, PostgreSQL advisory lock)'),
    intervalMs: durationMs.min(1_000).default(5 * 60_000).describe('Time between sweeps for stored objects that were never indexed'),
    graceMs: durationMs.default(2 * 60_000).describe('Objects younger than this are left alone (their announcement may still be on its way)'),
  })
  .strict();

// Query/Retrieve (PS3.4 Annex C): answered by qr-service from the index, performed by the listener.
export const qrSchema = z
  .object({
    maxMatches: z.number().int().min(1).max(10_000_000).default(10_000).describe('C-FIND matches above which a query is refused (0xA700, "refine the query") before any match is sent'),
    caseInsensitivePn: z.boolean().default(true).describe('Match person names (PN) without regard to case (PS3.4 C.2.2.2.1)'),
    studySortOrder: z
      .enum(['study-date-desc', 'study-date-asc', 'patient-name', 'accession-number', 'received'])
      .default('study-date-desc')
      .describe('Order of study-level C-FIND answers (Conquest query sort order); series by number, images by instance number'),
    timeoutMs: durationMs.min(1_000).default(60_000).describe('Longest wait of the listener for the next answer of qr-service'),
    retrieveParallelism: z.number().int().min(1).max(64).default(4).describe('C-MOVE/C-GET sub-operations in flight at once, when the peer negotiated an asynchronous operations window'),
    pendingIntervalMs: durationMs
      .max(60_000)
      .default(100)
      .describe('Least time between two pending C-MOVE/C-GET responses (optional, PS3.4 C.4.2.3.1); 0 = one after every sub-operation'),
  })
  .strict();

export const aeMapEntrySchema = z
  .object({
    aeTitle: z.string().min(1).max(16).regex(/^(?=.*[^ ])[\x20-\x5b\x5d-\x7e]+$/, 'an AE title, wildcards * and ? allowed').describe('Remote AE title; * and ? are wildcards'),
    host: z.string().default('').describe('Where it listens (needed for C-MOVE destinations)'),
    port: portOrZero.default(104),
    tls: z.boolean().default(false),
    store: z.boolean().default(true).describe('May send objects'),
    query: z.boolean().default(true).describe('May query'),
    retrieve: z.boolean().default(true).describe('May retrieve and receive C-MOVE'),
    preferredTransferSyntax: z.string().regex(/^[0-9]+(\.[0-9]+)*$/, 'a transfer syntax UID').optional().describe('Transfer syntax proposed first when sending to this AE'),
    description: z.string().max(256).optional().describe('Free text shown to operators'),
  })
  .strict();

// Forwarding rules (Conquest ExportConverters, modern form): the archiver forwards matching
// instances to another AE. Seeded into the database from here at start (by name); the database
// copy is what runs.
export const forwardRuleSchema = z
  .object({
    name: z.string().min(1).max(64).describe('Unique name; the rule in the database with this name is replaced by this one at start'),
    enabled: z.boolean().default(true),
    match: importMatchSchema
      .extend({ stationName: z.union([z.string(), z.array(z.string())]).optional().describe('Station Name (0008,1010) pattern(s); * and ? are wildcards') })
      .strict()
      .optional()
      .describe('Which instances the rule forwards (same keys as import rules, plus stationName); absent: all'),
    destination: aeTitle.describe('AE title to forward to; its address comes from the AE map'),
    level: z
      .enum(['instance', 'series', 'study'])
      .default('instance')
      .describe('instance: one job per instance; series/study: one job (one association) for the instances of a series/study'),
    delayMs: durationMs.default(0).describe('Forward this long after the first matching instance arrived (0: at once)'),
    stableMs: durationMs
      .optional()
      .describe('Series/study level: forward only once no new matching instance arrived for this long (the study is stable)'),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(1000).default(10).describe('Attempts before the job is marked failed'),
        holdOffMs: durationMs.default(10_000).describe('Wait after the first failed attempt'),
        retryDelayMs: durationMs.default(60_000).describe('Wait after every later failed attempt'),
      })
      .strict()
      .default({}),
  })
  .strict();

export const archiverSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Work archive jobs (mirror, nightly move, cleanup, verify, forward) in this archiver'),
    concurrency: z.number().int().min(1).max(256).default(4).describe('Jobs one archiver process works at once'),
    pollIntervalMs: durationMs.min(50).default(1_000).describe('How often an idle archiver looks for due jobs and new objects'),
    leaseMs: durationMs.min(1_000).default(60_000).describe('A claimed job is taken over by another archiver when its worker has not renewed the claim for this long'),
    maxAttempts: z.number().int().min(1).default(20).describe('Attempts of a tier job (mirror, move, cleanup) before it is marked failed'),
    retryDelayMs: durationMs.default(60_000).describe('Wait before a failed tier job runs again'),
    deleteGraceMs: durationMs
      .default(60_000)
      .describe('A copy being removed (moved or cleaned up) stays readable this long after it stopped being offered, for retrievals already under way'),
    schedulerIntervalMs: durationMs.min(100).default(60_000).describe('How often the leading archiver checks the nightly move, cleanup and verify schedules'),
    nightlyMove: z
      .object({
        at: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time of day, HH:MM')
          .default('02:00')
          .describe('Local time of day from which the nightly move runs (once a day)'),
        thresholdBytes: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Conquest NightlyMoveThreshold: when the source tier holds more bytes than this, the least recently received studies move to the target; absent: no nightly move'),
        source: tierName.optional().describe('Tier studies move from (default: ingest.tier)'),
        target: tierName.optional().describe('Nearline tier studies move to (default: the one nearline tier)'),
      })
      .strict()
      .default({}),
    cleanupIntervalMs: durationMs.min(1_000).default(60 * 60_000).describe('How often tiers with a cleanupThresholdBytes are checked'),
    verify: z
      .object({
        intervalMs: durationMs.default(24 * 60 * 60_000).describe('Time between digest checks of stored copies, counted across restarts from the archive\'s first start; 0: never'),
        sample: z.number().int().min(0).default(1_000).describe('Copies checked per run (the least recently verified first); 0: all'),
      })
      .strict()
      .default({}),
    forwardConnectTimeoutMs: durationMs.min(100).default(30_000).describe('Longest wait for a forwarding destination to accept the association'),
    forwardRules: z.array(forwardRuleSchema).default([]).describe('Forwarding rules (Conquest ExportConverters) seeded into the database at start'),
    stableStudyMs: durationMs.default(60_000).describe('A study with no new instance for this long gets a study-stable change (change feed, <prefix>.changes.study-stable), once per quiet period'),
    jobRetentionDays: z.number().int().min(1).default(30).describe('Finished archive jobs (done, failed, cancelled) older than this many days are removed by the leading archiver'),
    changeRetentionDays: z.number().int().min(1).default(30).describe('Change feed rows (GET /api/changes) older than this many days are removed once published'),
  })
  .strict();

export const configSchema = z
  .object({
    mode: z.enum(['embedded', 'cluster']).default('embedded').describe('embedded: one process, no servers; cluster: Postgres + NATS + S3'),
    dataDir: z.string().default('./data').describe('Base directory for embedded-mode state'),
    shutdownTimeoutMs: durationMs.default(30_000).describe('Longest drain on SIGTERM before exit'),
    dicom: dicomSchema.default({}),
    http: httpSchema.default({}),
    log: logSchema.default({}),
    telemetry: telemetrySchema.default({}),
    database: databaseSchema.default({}),
    bus: busSchema.default({}),
    storage: storageSchema.default({}),
    ingest: ingestSchema.default({}),
    qr: qrSchema.default({}),
    aeMap: z.array(aeMapEntrySchema).default([]).describe('Known remote AEs (acrnema.map), seeded from configuration; first match wins'),
    aeMapReloadMs: durationMs.min(1_000).default(30_000).describe('Safety-net reload interval of the live AE map (edits reach every process at once through the bus as well)'),
    importRules: z.array(importRuleSchema).default([]).describe('Import rules (Conquest ImportConverters), applied in order by the listener before storing'),
    regen: regenSchema.default({}),
    reconciler: reconcilerSchema.default({}),
    archiver: archiverSchema.default({}),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
