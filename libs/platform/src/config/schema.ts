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
  })
  .strict();

export const httpSchema = z
  .object({
    host: z.string().default('0.0.0.0').describe('Address the HTTP server binds'),
    port: portOrZero.default(8080).describe('HTTP port: admin API, DICOMweb, web UI, /healthz, /readyz'),
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

export const storageSchema = z
  .object({
    driver: z.enum(['filesystem', 's3']).optional().describe('filesystem (embedded) or s3 (any S3 API)'),
    filesystem: z
      .object({ root: z.string().optional().describe('Directory of stored objects (default: <dataDir>/objects)') })
      .strict()
      .default({}),
    s3: z
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
      .strict()
      .default({}),
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
    indexerConcurrency: z.number().int().min(1).max(1024).default(32).describe('Events an indexer process handles at once (max ack pending)'),
    duplicatePolicy: z.enum(['keep-first', 'replace', 'replace-same-source', 'reject-if-different']).default('keep-first').describe('What a second object with a known SOP Instance UID and a different digest does'),
    tier: z.string().regex(/^[a-z][a-z0-9-]*$/).default('primary').describe('Name of the storage tier new objects go to'),
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
    aeMap: z.array(aeMapEntrySchema).default([]).describe('Known remote AEs (acrnema.map), seeded from configuration; first match wins'),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
