import type { NodeConnectionOptions } from '@nats-io/transport-node';
import type { BusLogger } from '../logger';

export interface NatsTlsOptions {
  /** PEM contents or file paths; any one of each pair. */
  ca?: string;
  caFile?: string;
  cert?: string;
  certFile?: string;
  key?: string;
  keyFile?: string;
  rejectUnauthorized?: boolean;
  /** TLS before the NATS INFO exchange (servers configured with handshake_first). */
  handshakeFirst?: boolean;
}

export interface NatsBusOptions {
  servers: string | string[];
  /** Connection name shown by the server (e.g. `pacs-scp-listener`). */
  name?: string;
  user?: string;
  pass?: string;
  token?: string;
  tls?: NatsTlsOptions;
  /** Per connection attempt. Default 5000. */
  connectTimeoutMs?: number;
  /** Keep retrying the first connection instead of failing with BusUnavailableError. Default false. */
  waitOnFirstConnect?: boolean;
  /** Pause between reconnect attempts (they never stop). Default 2000. */
  reconnectTimeWaitMs?: number;
  /** Random extra pause, so restarted servers are not hit by every client at once. Default 1000. */
  reconnectJitterMs?: number;
  /** Server liveness probe; two missed pongs mark the connection stale. Default 10000. */
  pingIntervalMs?: number;
  /** JetStream API calls and publish acks. Default 5000. */
  apiTimeoutMs?: number;
  /** Streamed replies sent ahead of the requester's reading (credit window). Default 64. */
  replyWindow?: number;
  /** A server gives up on a streamed reply whose requester stops reading for this long. Default 60000. */
  replyIdleTimeoutMs?: number;
  /** close() waits this long for running handlers. Default 30000. */
  drainTimeoutMs?: number;
  logger?: BusLogger;
}

export const natsDefaults = {
  connectTimeoutMs: 5_000,
  reconnectTimeWaitMs: 2_000,
  reconnectJitterMs: 1_000,
  pingIntervalMs: 10_000,
  apiTimeoutMs: 5_000,
  replyWindow: 64,
  replyIdleTimeoutMs: 60_000,
  drainTimeoutMs: 30_000,
} as const;

export function connectionOptions(o: NatsBusOptions): NodeConnectionOptions {
  const opts: NodeConnectionOptions = {
    servers: o.servers,
    timeout: o.connectTimeoutMs ?? natsDefaults.connectTimeoutMs,
    // The listener must outlive NATS restarts and rolling upgrades: never stop reconnecting.
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: o.reconnectTimeWaitMs ?? natsDefaults.reconnectTimeWaitMs,
    reconnectJitter: o.reconnectJitterMs ?? natsDefaults.reconnectJitterMs,
    reconnectJitterTLS: o.reconnectJitterMs ?? natsDefaults.reconnectJitterMs,
    pingInterval: o.pingIntervalMs ?? natsDefaults.pingIntervalMs,
    maxPingOut: 2,
    waitOnFirstConnect: o.waitOnFirstConnect ?? false,
  };
  if (o.name !== undefined) opts.name = o.name;
  if (o.user !== undefined) opts.user = o.user;
  if (o.pass !== undefined) opts.pass = o.pass;
  if (o.token !== undefined) opts.token = o.token;
  if (o.tls) opts.tls = { ...o.tls };
  return opts;
}
