// The admin API from the browser: the API token (sessionStorage, sent as Authorization: Bearer)
// and problem+json errors (RFC 9457) turned into ApiError with the server's detail.
import type { AeMapEntry, Job, Page, PatientSummary, SeriesSummary, Statistics, StoredAeMapEntry, StudySummary, SystemStatus, UiConfig } from './types';

const TOKEN_KEY = 'pacs.apiToken';

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** An HTTP error answer: its status and the problem's detail (or the status text). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${status}: ${detail}`);
  }
}

/** Listeners told when the token is refused (401), so the app can ask for a new one. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function headers(extra: Record<string, string> = {}, token = tokenStore.get()): Headers {
  const h = new Headers(extra);
  if (token) h.set('Authorization', `Bearer ${token}`);
  return h;
}

async function failure(res: Response): Promise<ApiError> {
  let detail = res.statusText || 'request failed';
  try {
    const body = (await res.json()) as { detail?: unknown; title?: unknown };
    if (typeof body.detail === 'string') detail = body.detail;
    else if (typeof body.title === 'string') detail = body.title;
  } catch {
    // Not JSON: keep the status text.
  }
  return new ApiError(res.status, detail);
}

export async function request(path: string, init: RequestInit = {}, token?: string | null): Promise<Response> {
  const res = await fetch(path, { ...init, headers: headers(Object.fromEntries(new Headers(init.headers)), token === undefined ? tokenStore.get() : token) });
  if (!res.ok) {
    const err = await failure(res);
    if (res.status === 401 && token === undefined) unauthorizedListeners.forEach((l) => l());
    throw err;
  }
  return res;
}

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await (await request(path, { ...init, headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) } })).json()) as T;
}

const send = <T>(method: string, path: string, body?: unknown): Promise<T> => json<T>(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

/** The query string of defined, non-empty values. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface StudyQuery {
  patientName?: string;
  patientId?: string;
  studyDateFrom?: string;
  studyDateTo?: string;
  modality?: string;
  accessionNumber?: string;
  limit: number;
  offset: number;
  sort?: string;
}

export interface SendRequest {
  destination: string;
  studyInstanceUid: string;
  seriesInstanceUid?: string;
}

export const api = {
  /** True when the API answers without a token (auth off); false on 401; throws otherwise. */
  async authOptional(): Promise<boolean> {
    try {
      await request('/api/status', {}, null);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return false;
      throw err;
    }
  },
  /** Checks a token before keeping it: 401 → ApiError. */
  async checkToken(token: string): Promise<void> {
    await request('/api/statistics', {}, token);
  },
  uiConfig: (): Promise<UiConfig> => json('/api/ui-config'),
  status: (): Promise<SystemStatus> => json('/api/status'),
  statistics: (includeTiers = false): Promise<Statistics> => json(`/api/statistics${includeTiers ? '?include=tiers' : ''}`),
  patients: (q: { limit: number; offset: number }): Promise<Page<PatientSummary>> => json(`/api/patients${queryString(q)}`),
  studies: (q: StudyQuery): Promise<Page<StudySummary>> => json(`/api/studies${queryString({ ...q })}`),
  study: (uid: string): Promise<StudySummary & { attributes: Record<string, unknown> }> => json(`/api/studies/${encodeURIComponent(uid)}`),
  series: (studyUid: string): Promise<Page<SeriesSummary>> => json(`/api/studies/${encodeURIComponent(studyUid)}/series?limit=1000`),
  deleteSeries: (uid: string): Promise<{ deleted: true; instances: number }> => send('DELETE', `/api/series/${encodeURIComponent(uid)}`),
  /** The series thumbnail as an image blob (null when the server has none: 404/406/501). */
  async thumbnail(uid: string, signal?: AbortSignal): Promise<Blob | null> {
    try {
      const res = await request(`/api/series/${encodeURIComponent(uid)}/thumbnail`, { headers: { Accept: 'image/png, image/jpeg, image/*' }, ...(signal ? { signal } : {}) });
      return await res.blob();
    } catch (err) {
      if (err instanceof ApiError && [404, 406, 415, 501].includes(err.status)) return null;
      throw err;
    }
  },
  aeMap: (): Promise<{ items: StoredAeMapEntry[] }> => json('/api/ae-map'),
  addAe: (entry: Partial<AeMapEntry>): Promise<StoredAeMapEntry> => send('POST', '/api/ae-map', entry),
  updateAe: (id: string, entry: Partial<AeMapEntry>): Promise<StoredAeMapEntry> => send('PUT', `/api/ae-map/${encodeURIComponent(id)}`, entry),
  deleteAe: (id: string): Promise<StoredAeMapEntry> => send('DELETE', `/api/ae-map/${encodeURIComponent(id)}`),
  jobs: (q: { state?: string; kind?: string; limit: number; offset: number }): Promise<{ items: Job[]; total: number }> => json(`/api/jobs${queryString(q)}`),
  sendToAe: (body: SendRequest): Promise<Job> => send('POST', '/api/jobs/send', body),
  cancelJob: (id: string): Promise<Job> => send('POST', `/api/jobs/${encodeURIComponent(id)}/cancel`),
};

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.detail;
  return err instanceof Error ? err.message : String(err);
}
