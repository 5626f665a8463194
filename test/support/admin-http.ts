// What the end-to-end suites of the HTTP side share: polling until something is true, a small
// client of the admin API that sends a Bearer token unless told otherwise, and loading a dataset.
import assert from 'node:assert/strict';
import { isAcknowledged, runStorescu } from './storescu';

/**
 * Calls `probe` every 200 ms until it answers a value. The deadline only keeps a broken run from
 * hanging; no test asserts on how long it took.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A request with the token to send: the client's by default, null for none. */
export type AdminRequest = RequestInit & { token?: string | null };

export interface AdminHttp {
  api(path: string, init?: AdminRequest): Promise<Response>;
  /** The answer's status and JSON body. */
  json<T = Record<string, unknown>>(path: string, init?: AdminRequest): Promise<{ status: number; body: T }>;
  /** POST of a JSON body. */
  post<T = Record<string, unknown>>(path: string, body: unknown, token?: string | null): Promise<{ status: number; body: T }>;
}

/** A client of the admin API on 127.0.0.1:`port()` (read per call: the port is known only once the PACS listens). */
export function adminHttp(port: () => number, defaultToken: string | null): AdminHttp {
  const api = (path: string, init: AdminRequest = {}): Promise<Response> => {
    const { token = defaultToken, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(`http://127.0.0.1:${port()}${path}`, { ...rest, headers });
  };
  const json = async <T = Record<string, unknown>>(path: string, init: AdminRequest = {}): Promise<{ status: number; body: T }> => {
    const res = await api(path, init);
    return { status: res.status, body: (await res.json()) as T };
  };
  const post = <T = Record<string, unknown>>(path: string, body: unknown, token: string | null = defaultToken) =>
    json<T>(path, { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { api, json, post };
}

/**
 * Sends `files` to the PACS with DCMTK storescu (calling AE MODALITY), checks that every one was
 * acknowledged, then polls `instanceCount` (the suite's view of /api/statistics) until it counts
 * them all: the dataset every HTTP-side suite starts from.
 */
export async function storeAndWaitIndexed(dicomPort: number, files: readonly string[], instanceCount: () => Promise<number>): Promise<void> {
  const sending = runStorescu({ port: dicomPort, files });
  // A hang guard, as waitFor's deadline: a stuck PACS fails the suite instead of stalling it.
  const guard = setTimeout(() => sending.kill(), 120_000);
  const code = await sending.done.finally(() => clearTimeout(guard));
  const refused = [...sending.results.values()].filter((r) => !isAcknowledged(r));
  assert.deepEqual(refused, [], 'every instance acknowledged');
  assert.equal(code, 0, 'storescu exit code');
  await waitFor('every instance indexed', async () => ((await instanceCount()) >= files.length ? true : undefined));
}
