// The association-acceptor side (SCP): listen on TCP or TLS, bound the number of concurrent
// associations, close gracefully.
import { EventEmitter } from 'node:events';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { RejectPresentationReason, RejectResult, RejectSource } from '../pdu';
import { associateRj, negotiateAssociation, type AcceptancePolicy } from '../ul';
import { Association, type AssociationOptions, type Negotiator } from './association';
import { DEFAULT_CLOSE_GRACE_MS, DEFAULT_MAX_ASSOCIATIONS } from './defaults';

export interface DicomServerTlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  /** CAs that client certificates must chain to. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Require and verify a client certificate (mutual authentication, PS3.15 B.1). */
  requireClientCertificate?: boolean;
  /** Extra node:tls options (ciphers, minVersion…); PS3.15 B.1/BCP 195 wants TLS 1.2 or later. */
  extra?: TlsOptions;
}

export interface DicomServerOptions extends AssociationOptions {
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  tls?: DicomServerTlsOptions;
  /** Over this many concurrent associations: A-ASSOCIATE-RJ transient, source 3, local-limit-exceeded. */
  maxAssociations?: number;
  /** Acceptance policy, or a negotiator for decisions that need more (async lookups). */
  policy: AcceptancePolicy | Negotiator;
  /** How long close() lets running associations finish before aborting them. */
  closeGraceMs?: number;
}

export interface DicomServerEvents {
  association: [association: Association];
  /** TLS handshake failures and server socket errors. */
  error: [error: Error];
}

/** After an abort, how long a peer gets to close before the socket is dropped. */
const ABORT_LINGER_MS = 2_000;

export class DicomServer extends EventEmitter<DicomServerEvents> {
  private readonly server: Server;
  private readonly counted = new Set<Association>();
  private readonly all = new Set<Association>();
  private readonly negotiate: Negotiator;
  private closing = false;

  constructor(private readonly options: DicomServerOptions) {
    super();
    const policy = options.policy;
    this.negotiate = typeof policy === 'function' ? policy : (rq) => negotiateAssociation(rq, policy);
    if (options.tls) {
      const t = options.tls;
      this.server = createTlsServer(
        {
          minVersion: 'TLSv1.2',
          ...t.extra,
          key: t.key,
          cert: t.cert,
          ca: t.ca,
          requestCert: t.requireClientCertificate ?? false,
          rejectUnauthorized: t.requireClientCertificate ?? false,
        },
        (socket) => this.onConnection(socket),
      );
      this.server.on('connection', (raw: Socket) => raw.setNoDelay(true));
      this.server.on('tlsClientError', (err) => this.emitError(err));
    } else {
      this.server = createNetServer((socket) => this.onConnection(socket));
    }
    this.server.on('error', (err) => this.emitError(err));
  }

  /** Associations currently counted against maxAssociations. */
  get activeAssociations(): number {
    return this.counted.size;
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host ?? '0.0.0.0', () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /**
   * Stops accepting connections, lets running associations finish for up to `graceMs`, then
   * aborts the rest (A-ABORT) and finally drops sockets that still linger.
   */
  async close(graceMs = this.options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS): Promise<void> {
    this.closing = true;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const a of this.all) if (a.state === 'Sta2') a.abort(0, 0, 'server closing');
    if (!(await this.allClosedWithin(graceMs))) {
      for (const a of this.all) a.abort(0, 0, 'server closing');
      if (!(await this.allClosedWithin(ABORT_LINGER_MS))) for (const a of this.all) a.destroy();
    }
    await stopped;
  }

  private async allClosedWithin(ms: number): Promise<boolean> {
    if (this.all.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const closed = Promise.all([...this.all].map((a) => a.whenClosed())).then(() => true);
    const result = await Promise.race([closed, timeout]);
    clearTimeout(timer);
    return result;
  }

  private onConnection(socket: Socket): void {
    socket.setNoDelay(true);
    const overLimit = this.counted.size >= (this.options.maxAssociations ?? DEFAULT_MAX_ASSOCIATIONS);
    const negotiate: Negotiator = (rq, association) => {
      // PS3.8 §9.3.4: source 3 (service-provider, presentation related function).
      if (this.closing) {
        return { accepted: false, rj: associateRj(RejectResult.RejectedTransient, RejectSource.ServiceProviderPresentation, RejectPresentationReason.TemporaryCongestion) };
      }
      if (overLimit) {
        return { accepted: false, rj: associateRj(RejectResult.RejectedTransient, RejectSource.ServiceProviderPresentation, RejectPresentationReason.LocalLimitExceeded) };
      }
      return this.negotiate(rq, association);
    };
    const association = new Association({ role: 'acceptor', socket, negotiate }, this.options);
    this.all.add(association);
    if (!overLimit) this.counted.add(association);
    association.once('close', () => {
      this.all.delete(association);
      this.counted.delete(association);
    });
    this.emit('association', association);
  }

  private emitError(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}
