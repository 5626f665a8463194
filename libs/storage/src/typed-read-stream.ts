import { PassThrough, type Readable } from 'node:stream';

/**
 * Hands out a backend read stream whose mid-stream failures arrive as the port's typed errors.
 * Destroying the returned stream (a consumer giving up) releases the backend stream too.
 */
export function withTypedErrors(backend: Readable, mapError: (error: unknown) => Error): Readable {
  const out = new PassThrough();
  backend.on('error', (error) => out.destroy(mapError(error)));
  out.on('close', () => {
    if (!backend.readableEnded) backend.destroy();
  });
  backend.pipe(out);
  return out;
}
