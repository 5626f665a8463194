import { createServer } from 'node:net';

/**
 * A loopback TCP port nobody listens on right now, for servers that must be restarted on the
 * same port (a private nats-server, PostgreSQL, s3rver) and so cannot simply listen on port 0.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
