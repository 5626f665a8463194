import http from 'node:http';
import https from 'node:https';

/** What the minio client accepts as `transport`: an object with http.request's signature. */
export interface HttpTransport {
  request: typeof http.request;
}

/**
 * The minio client has no request timeout; this transport fails a request whose connection stays
 * silent for `timeoutMs` (while connecting, sending, or awaiting the response headers) with an
 * ETIMEDOUT error. Once headers arrive the timer stops: the body is paced by the consumer, and a
 * reader pausing for backpressure must not be mistaken for a dead server.
 */
export function timedTransport(useSSL: boolean, timeoutMs: number): HttpTransport {
  const base = useSSL ? https : http;
  const request = (options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void): http.ClientRequest => {
    const req = base.request({ ...options, timeout: timeoutMs }, (response) => {
      req.setTimeout(0);
      callback?.(response);
    });
    req.on('timeout', () => {
      const error = new Error(`no activity for ${timeoutMs} ms on ${options.method ?? 'GET'} ${options.host ?? ''}`);
      req.destroy(Object.assign(error, { code: 'ETIMEDOUT' }));
    });
    return req;
  };
  return { request: request as typeof http.request };
}
