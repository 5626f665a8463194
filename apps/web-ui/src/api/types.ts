// Shapes of the admin API's answers the UI reads (libs/persistence browse and AE map
// repositories, the status and statistics controllers, the jobs contract of issue 7).

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  items: T[];
}

export interface PatientSummary {
  patientId: string;
  issuerOfPatientId: string;
  patientName: string | null;
  birthDate: string | null;
  sex: string | null;
  numberOfStudies: number;
}

export interface StudySummary {
  studyInstanceUid: string;
  studyDate: string | null;
  studyTime: string | null;
  accessionNumber: string | null;
  studyId: string | null;
  studyDescription: string | null;
  referringPhysicianName: string | null;
  modalitiesInStudy: string[];
  numberOfSeries: number;
  numberOfInstances: number;
  patient: PatientSummary;
  createdAt: string;
  updatedAt: string;
}

export interface SeriesSummary {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string | null;
  seriesNumber: number | null;
  seriesDate: string | null;
  seriesTime: string | null;
  seriesDescription: string | null;
  bodyPartExamined: string | null;
  stationName: string | null;
  numberOfInstances: number;
  createdAt: string;
}

export interface AeMapEntry {
  aeTitle: string;
  host: string;
  port: number;
  tls: boolean;
  store: boolean;
  query: boolean;
  retrieve: boolean;
  preferredTransferSyntax?: string;
  description?: string;
}

export interface StoredAeMapEntry extends AeMapEntry {
  id: string;
  position: number;
  source: 'config' | 'api' | string;
  createdAt: string;
  updatedAt: string;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  draining: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export interface StorageTierConfig {
  name: string;
  role: 'primary' | 'mirror' | 'nearline';
  driver?: 'filesystem' | 's3';
  cleanupThresholdBytes?: number;
}

export interface SystemStatus {
  indexerLag: number | null;
  mode: string;
  node: string;
  uptimeSeconds: number;
  ready: HealthReport;
  config: {
    services?: string[];
    ingest?: { tier?: string };
    storage?: { driver?: string; tiers?: StorageTierConfig[] };
    [key: string]: unknown;
  };
}

export interface TierUsage {
  tier: string;
  objects: number;
  bytes: number;
}

export interface Statistics {
  instances: number;
  /** With ?include=tiers. */
  tiers?: TierUsage[];
}

export interface UiConfig {
  ohifUrl: string | null;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  kind: string;
  target: string;
  state: JobState;
  destination?: string;
  level?: string;
  total?: number | null;
  remaining?: number | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}
