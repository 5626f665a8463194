// What the end-to-end suites of the HTTP side share: polling until something is true, and a
// small client of the admin API that sends a Bearer token unless told otherwise.

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
