// One DICOM association over one TCP/TLS connection: the PS3.8 §9.2 state machine bound to a
// socket, the PDU reader/writer, ARTIM, an idle timeout and the DIMSE message plumbing.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import {
  DEFAULT_MAX_PDU_LENGTH,
  encodePdu,
  pDataTfHeader,
  PduDecodeError,
  PduReader,
  ProviderAbortReason,
  type AAssociateAc,
  type AAssociateRj,
  type AAssociateRq,
  type PDataTf,
  type Pdu,
  type Pdv,
} from '../pdu';
import {
  ArtimTimer,
  associateRj,
  DEFAULT_ARTIM_TIMEOUT_MS,
  negotiatedFrom,
  providerRejection,
  receivedPduEvent,
  systemClock,
  UpperLayerStateMachine,
  type Clock,
  type Indication,
  type NegotiatedAssociation,
  type NegotiatedContext,
  type NegotiationResult,
  type State,
  type UpperLayerContext,
  type UpperLayerEvent,
} from '../ul';
import {
  DEFAULT_DATASET_HIGH_WATER_MARK,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_COMMAND_LENGTH,
  DEFAULT_UNLIMITED_PEER_PDU_CAP,
} from './defaults';
import { IdleTimer } from './idle-timer';
import {
  AssociationAbortedError,
  AssociationStateError,
  UnknownPresentationContextError,
  type AbortInfo,
} from './net-errors';
import { PDataReceiver } from './p-data-receiver';
import { maxFragmentLength, sendBuffer, sendStream, type PDataSink } from './p-data-sender';

export interface AssociationOptions {
  /** Largest PDU we accept and advertise (Maximum Length, PS3.8 Annex D.1); default 16 MiB. */
  maxPduLength?: number;
  /** ARTIM timeout, PS3.8 §9.1.5; default 30 s. */
  artimTimeoutMs?: number;
  /** Abort after this long without traffic once established; 0 disables; default 5 min. */
  idleTimeoutMs?: number;
  /** Largest command set accepted; default 64 KiB. */
  maxCommandLength?: number;
  /** Bytes buffered per inbound data set stream before the socket is paused; default 1 MiB. */
  datasetHighWaterMark?: number;
  /** PDU size we send to a peer that advertises 0 (unlimited); default 1 MiB. */
  unlimitedPeerPduCap?: number;
  clock?: Clock;
}

export interface CommandMessage {
  presentationContextId: number;
  context: NegotiatedContext;
  /** The complete command set, still encoded (implicit VR little endian, PS3.7 §6.3.1). */
  command: Buffer;
}

export interface DatasetMessage {
  presentationContextId: number;
  context: NegotiatedContext;
  /** The data set bytes as they arrive; ends after the fragment with the "last" bit. */
  stream: Readable;
}

export interface AssociationEvents {
  requested: [rq: AAssociateRq];
  accepted: [ac: AAssociateAc, negotiated: NegotiatedAssociation];
  rejected: [rj: AAssociateRj];
  released: [];
  aborted: [info: AbortInfo];
  command: [message: CommandMessage];
  dataset: [message: DatasetMessage];
  /** Only emitted when someone listens; every error also ends in 'aborted' and/or 'close'. */
  error: [error: Error];
  close: [];
}

export type Negotiator = (rq: AAssociateRq, association: Association) => NegotiationResult | Promise<NegotiationResult>;

export interface AcceptorSetup {
  role: 'acceptor';
  socket: Socket;
  negotiate: Negotiator;
}

export interface RequestorSetup {
  role: 'requestor';
  rq: AAssociateRq;
  /** Opens the transport (AE-1); `connectEvent` signals it is ready (Evt2). */
  openSocket: () => { socket: Socket; connectEvent: 'connect' | 'secureConnect' };
}

export interface AssociationStats {
  bytesReceived: number;
  bytesSent: number;
  pdusReceived: number;
  pdusSent: number;
  /** Times reading was paused / resumed because a data set consumer was slow. */
  socketPauses: number;
  socketResumes: number;
}

const RELEASING: ReadonlySet<State> = new Set(['Sta7', 'Sta8', 'Sta9', 'Sta10', 'Sta11', 'Sta12']);

interface SendJob {
  run: () => void | Promise<void>;
  fail: (err: Error) => void;
}

export class Association extends EventEmitter<AssociationEvents> {
  /** Short random id for log lines. */
  readonly id = randomBytes(4).toString('hex');
  readonly role: 'acceptor' | 'requestor';
  readonly stats: AssociationStats = { bytesReceived: 0, bytesSent: 0, pdusReceived: 0, pdusSent: 0, socketPauses: 0, socketResumes: 0 };
  rq: AAssociateRq | undefined;
  negotiated: NegotiatedAssociation | undefined;
  abortInfo: AbortInfo | undefined;
  /** The last transport error seen (connection refused, reset, TLS failure). */
  transportError: Error | undefined;

  private socket: Socket | undefined;
  private readonly machine: UpperLayerStateMachine;
  private readonly reader: PduReader;
  private readonly artim: ArtimTimer;
  private readonly idle: IdleTimer;
  private readonly receiver: PDataReceiver;
  private readonly unlimitedPeerPduCap: number;
  private readonly negotiate: Negotiator | undefined;
  private readonly queue: SendJob[] = [];
  private sending = false;
  private readonly queueIdleWaiters: (() => void)[] = [];
  private readonly tracked = new Set<Promise<unknown>>();
  private drainWaiters: ((err?: Error) => void)[] = [];
  private discardInput = false;
  private pendingCause: string | undefined;
  private releasedFlag = false;
  private closedFlag = false;
  private readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(setup: AcceptorSetup | RequestorSetup, options: AssociationOptions = {}) {
    super();
    this.role = setup.role;
    const clock = options.clock ?? systemClock;
    this.reader = new PduReader({ maxPduLength: options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH });
    this.artim = new ArtimTimer(options.artimTimeoutMs ?? DEFAULT_ARTIM_TIMEOUT_MS, () => this.onArtimExpired(), clock);
    this.idle = new IdleTimer(options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => this.onIdle(), clock);
    this.unlimitedPeerPduCap = options.unlimitedPeerPduCap ?? DEFAULT_UNLIMITED_PEER_PDU_CAP;
    this.receiver = new PDataReceiver(
      {
        onCommand: (id, command) => this.emit('command', { presentationContextId: id, context: this.contextOf(id), command }),
        onDataset: (id, stream) => {
          if (this.listenerCount('dataset') === 0) stream.resume();
          this.emit('dataset', { presentationContextId: id, context: this.contextOf(id), stream });
        },
        pause: () => {
          this.stats.socketPauses++;
          this.idle.suspend(true);
          this.socket?.pause();
        },
        resume: () => {
          this.stats.socketResumes++;
          this.idle.suspend(false);
          this.socket?.resume();
        },
      },
      {
        maxCommandLength: options.maxCommandLength ?? DEFAULT_MAX_COMMAND_LENGTH,
        highWaterMark: options.datasetHighWaterMark ?? DEFAULT_DATASET_HIGH_WATER_MARK,
      },
    );
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.machine = new UpperLayerStateMachine(this.upperLayerContext(setup));
    if (setup.role === 'acceptor') {
      this.negotiate = setup.negotiate;
      this.attach(setup.socket);
      this.machine.dispatch({ event: 'Evt5' });
    } else {
      this.negotiate = undefined;
      this.rq = setup.rq;
      this.machine.dispatch({ event: 'Evt1', rq: setup.rq });
    }
  }

  get state(): State {
    return this.machine.state;
  }

  /** Sta6: association established, data transfer possible. */
  get established(): boolean {
    return this.machine.state === 'Sta6';
  }

  get remoteAddress(): string | undefined {
    return this.socket?.remoteAddress;
  }

  /** The underlying socket (a tls.TLSSocket for DICOM over TLS), for peer certificate checks. */
  get transport(): Socket | undefined {
    return this.socket;
  }

  /** Resolves once the transport connection is closed and everything is cleaned up. */
  whenClosed(): Promise<void> {
    return this.closed;
  }

  /**
   * Resolves once every byte sent so far has left the socket's buffer for the kernel, or the
   * connection is gone: from then on nothing reads a Buffer given to sendData any more, and its
   * owner may reuse it. A peer's response proves nothing here: a peer may answer before it has
   * read all of a data set.
   */
  whenWritten(): Promise<void> {
    const s = this.socket;
    if (!s || s.destroyed || s.writableLength === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      if (s.writableEnded) {
        s.once('finish', resolve);
        s.once('close', resolve);
      } else {
        // Write callbacks run in order, also with an error when the socket is destroyed first.
        s.write(Buffer.alloc(0), () => resolve());
      }
    });
  }

  /** Sends a complete command set on an accepted presentation context. */
  sendCommand(presentationContextId: number, command: Buffer): Promise<void> {
    return this.enqueue('send a command', presentationContextId, (max) =>
      sendBuffer(this.sink, presentationContextId, true, command, max),
    );
  }

  /** Sends a whole data set held in memory (small ones: identifiers, responses). */
  sendData(presentationContextId: number, data: Buffer): Promise<void> {
    return this.enqueue('send a data set', presentationContextId, (max) =>
      sendBuffer(this.sink, presentationContextId, false, data, max),
    );
  }

  /** Streams a data set, fragmenting to the peer's maximum PDU length, honouring socket drain. */
  sendDataStream(presentationContextId: number, source: Readable): Promise<void> {
    return this.enqueue('send a data set', presentationContextId, async (max) => {
      try {
        await sendStream(this.sink, presentationContextId, source, max);
      } catch (err) {
        // The peer has part of a data set it can never complete: only an abort is left.
        this.abort(0, 0, `data set source failed: ${(err as Error).message}`);
        throw err;
      }
    });
  }

  /** Keeps a peer-requested release waiting until `work` settles (e.g. a C-STORE in flight). */
  trackWork<T>(work: Promise<T>): Promise<T> {
    this.tracked.add(work);
    const done = (): void => {
      this.tracked.delete(work);
      this.maybeAnswerRelease();
    };
    work.then(done, done);
    return work;
  }

  /** A-RELEASE (PS3.8 §7.2) after everything queued is sent; resolves when the connection closed. */
  async release(): Promise<void> {
    await this.drainQueue();
    const state = this.machine.state;
    if (state === 'Sta6') this.machine.dispatch({ event: 'Evt11' });
    // Anything else already releasing (the peer asked first, or a second call) ends the same way.
    else if (!this.releasedFlag && !RELEASING.has(state)) throw new AssociationStateError('release', state);
    await this.closed;
    if (!this.releasedFlag) throw new AssociationAbortedError(this.abortInfo ?? { source: 2, reason: 0, initiator: 'transport' });
  }

  /** A-ABORT with the given source/reason (PS3.8 §7.3); safe to call in any state. */
  abort(source = 0, reason = 0, cause?: string): void {
    if (this.closedFlag) return;
    this.pendingCause = cause;
    if (this.machine.accepts('Evt15')) {
      this.machine.dispatch({ event: 'Evt15', source, reason });
    } else if (this.machine.state === 'Sta2') {
      this.setAborted({ source, reason, initiator: 'local', cause });
      this.closeTransport();
    }
  }

  /** Drops the connection without any PDU: the last resort after abort() was not honoured. */
  destroy(): void {
    this.socket?.destroy();
  }

  private upperLayerContext(setup: AcceptorSetup | RequestorSetup): UpperLayerContext {
    return {
      isRequestor: setup.role === 'requestor',
      connectTransport: () => {
        if (setup.role !== 'requestor') return;
        const { socket, connectEvent } = setup.openSocket();
        this.attach(socket);
        socket.once(connectEvent, () => {
          if (this.machine.accepts('Evt2')) {
            this.machine.dispatch({ event: 'Evt2', rq: setup.rq });
            this.emit('requested', setup.rq);
          }
        });
      },
      closeTransport: () => this.closeTransport(),
      sendPdu: (pdu) => this.sendPdu(pdu),
      sendPdv: (pdv) => this.sendPdv(pdv),
      startArtim: () => this.artim.start(),
      stopArtim: () => this.artim.stop(),
      indicate: (indication) => this.onIndication(indication),
      providerRejection: (rq) => providerRejection(rq),
    };
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.flushDrainWaiters());
    socket.on('error', (err) => {
      this.transportError = err;
      this.pendingCause ??= err.message;
      this.emitError(err);
    });
    socket.on('close', () => this.onTransportClosed());
  }

  private onData(chunk: Buffer): void {
    if (this.discardInput) return;
    this.stats.bytesReceived += chunk.length;
    this.idle.touch();
    try {
      for (const pdu of this.reader.push(chunk)) {
        this.stats.pdusReceived++;
        if (this.machine.state === 'Sta1') return;
        this.dispatchReceived(receivedPduEvent(pdu));
      }
    } catch (err) {
      if (err instanceof PduDecodeError) this.protocolError(err);
      else this.internalError(err);
    }
  }

  private dispatchReceived(input: UpperLayerEvent): void {
    // Sta1/Sta4 have no cells for received PDUs: nothing can legitimately arrive there.
    if (this.machine.accepts(input.event)) this.machine.dispatch(input);
  }

  private protocolError(err: PduDecodeError): void {
    this.discardInput = true;
    this.pendingCause = err.message;
    if (this.machine.accepts('Evt19')) this.machine.dispatch({ event: 'Evt19', error: err });
    else this.closeTransport();
  }

  private internalError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.emitError(error);
    this.discardInput = true;
    this.abort(0, 0, `local failure: ${error.message}`);
  }

  private emitError(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private onIndication(indication: Indication): void {
    switch (indication.type) {
      case 'A-ASSOCIATE indication':
        this.rq = indication.rq;
        this.emit('requested', indication.rq);
        this.answerAssociate(indication.rq);
        return;
      case 'A-ASSOCIATE confirmation (accept)':
        if (!this.rq) return;
        this.negotiated = negotiatedFrom(this.rq, indication.ac);
        this.idle.start();
        this.emit('accepted', indication.ac, this.negotiated);
        return;
      case 'A-ASSOCIATE confirmation (reject)':
        this.emit('rejected', indication.rj);
        return;
      case 'P-DATA indication':
        this.onPData(indication.pdu);
        return;
      case 'A-RELEASE indication':
        // Release collision on the requestor side (Sta9): answer at once (PS3.8 §9.2.7).
        if (this.machine.state === 'Sta9') this.machine.dispatch({ event: 'Evt14' });
        else this.maybeAnswerRelease();
        return;
      case 'A-RELEASE confirmation':
        // Collision, acceptor side (Sta12): our A-RELEASE-RP still has to go out.
        if (this.machine.state === 'Sta12') this.machine.dispatch({ event: 'Evt14' });
        this.markReleased();
        return;
      case 'A-ABORT indication':
        this.setAborted({ source: indication.source, reason: indication.reason, initiator: 'peer' });
        return;
      case 'A-P-ABORT indication':
        this.setAborted({
          source: indication.source,
          reason: indication.reason,
          initiator: indication.cause === 'transport' ? 'transport' : indication.cause,
          cause: this.pendingCause,
        });
        return;
    }
  }

  private answerAssociate(rq: AAssociateRq): void {
    if (!this.negotiate) return;
    let result: NegotiationResult | Promise<NegotiationResult>;
    try {
      result = this.negotiate(rq, this);
    } catch (err) {
      this.internalNegotiationFailure(err);
      return;
    }
    if (!(result instanceof Promise)) {
      this.applyNegotiation(result);
      return;
    }
    result
      .then(
        (r) => this.applyNegotiation(r),
        (err: unknown) => this.internalNegotiationFailure(err),
      )
      .catch((err: unknown) => this.internalError(err));
  }

  private internalNegotiationFailure(err: unknown): void {
    this.emitError(err instanceof Error ? err : new Error(String(err)));
    // Transient: the failure was ours, a retry may succeed.
    this.applyNegotiation({ accepted: false, rj: associateRj(2, 1, 1) });
  }

  private applyNegotiation(result: NegotiationResult): void {
    if (this.machine.state !== 'Sta3') return;
    if (result.accepted) {
      this.negotiated = result.negotiated;
      this.machine.dispatch({ event: 'Evt7', pdu: result.ac });
      this.idle.start();
      this.emit('accepted', result.ac, result.negotiated);
    } else {
      this.machine.dispatch({ event: 'Evt8', pdu: result.rj });
      this.emit('rejected', result.rj);
    }
  }

  /** Only called for ids onPData() found among the accepted contexts. */
  private contextOf(id: number): NegotiatedContext {
    return this.negotiated?.contexts.get(id) as NegotiatedContext;
  }

  private onPData(pdu: PDataTf): void {
    const contexts = this.negotiated?.contexts;
    for (const pdv of pdu.pdvs) {
      if (!contexts?.has(pdv.presentationContextId)) {
        throw new PduDecodeError(ProviderAbortReason.InvalidPduParameterValue, `PDV on presentation context ${pdv.presentationContextId}, which was not accepted`);
      }
      this.receiver.receive(pdv);
    }
  }

  /** The socket is corked until the end of this tick (sendPdv). */
  private corked = false;

  private write(buf: Buffer): void {
    const s = this.socket;
    if (!s || s.destroyed || s.writableEnded) return;
    this.stats.bytesSent += buf.length;
    this.idle.touch();
    s.write(buf);
  }

  private sendPdu(pdu: Pdu): void {
    if (pdu.type === 'A-ABORT') this.setAborted({ source: pdu.source, reason: pdu.reason, initiator: 'local', cause: this.pendingCause });
    this.stats.pdusSent++;
    this.write(encodePdu(pdu));
  }

  /**
   * Writes what sendPdv corked so far now rather than at the end of the tick, which comes only
   * after every promise callback queued ahead has run: for a whole DIMSE message the peer waits
   * on (DimseChannel.send).
   */
  flushWrites(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket?.uncork();
  }

  private sendPdv(pdv: Pdv): void {
    const s = this.socket;
    if (!s) return;
    this.stats.pdusSent++;
    // Every PDU written in this tick (a command and its data set, a response after a
    // response) leaves in one writev, at the end of the tick or at flushWrites(): one send and
    // one wake-up of the peer instead of several.
    if (!this.corked) {
      this.corked = true;
      s.cork();
      process.nextTick(() => this.flushWrites());
    }
    this.write(pDataTfHeader(pdv.presentationContextId, pdv.isCommand, pdv.isLast, pdv.data.length));
    if (pdv.data.length > 0) this.write(pdv.data);
  }

  private readonly sink: PDataSink = {
    sendPdv: (pdv) => {
      this.machine.dispatch({ event: 'Evt9', pdv });
    },
    needsDrain: () => this.socket?.writableNeedDrain ?? false,
    onDrain: (fn) => {
      if (this.closedFlag) fn(this.endedError());
      else this.drainWaiters.push(fn);
    },
  };

  private flushDrainWaiters(err?: Error): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const fn of waiters) fn(err);
  }

  private enqueue(operation: string, presentationContextId: number, job: (maxFragment: number) => void | Promise<void>): Promise<void> {
    const state = this.machine.state;
    if (state !== 'Sta6' && state !== 'Sta8') return Promise.reject(new AssociationStateError(operation, state));
    if (!this.negotiated?.contexts.has(presentationContextId)) {
      return Promise.reject(new UnknownPresentationContextError(presentationContextId));
    }
    const peerMax = this.role === 'acceptor' ? this.negotiated.requestorMaxPduLength : this.negotiated.acceptorMaxPduLength;
    const maxFragment = maxFragmentLength(peerMax, this.unlimitedPeerPduCap);
    return new Promise<void>((resolve, reject) => {
      const run = (): void | Promise<void> => {
        try {
          const r = job(maxFragment);
          if (r instanceof Promise) return r.then(resolve, reject);
          resolve();
        } catch (err) {
          reject(err);
        }
        return undefined;
      };
      this.queue.push({ run, fail: reject });
      this.runQueue();
    });
  }

  private runQueue(): void {
    while (!this.sending) {
      const job = this.queue.shift();
      if (!job) break;
      const r = job.run();
      if (r instanceof Promise) {
        this.sending = true;
        void r.then(() => {
          this.sending = false;
          this.runQueue();
        });
        return;
      }
    }
    if (this.sending) return;
    const waiters = this.queueIdleWaiters.splice(0);
    for (const fn of waiters) fn();
    this.maybeAnswerRelease();
  }

  private drainQueue(): Promise<void> {
    if (!this.sending && this.queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.queueIdleWaiters.push(resolve));
  }

  /** PS3.8 Sta8: we answer the peer's A-RELEASE-RQ once our own sends and tracked work are done. */
  private maybeAnswerRelease(): void {
    if (this.machine.state !== 'Sta8' || this.sending || this.queue.length > 0 || this.tracked.size > 0) return;
    this.machine.dispatch({ event: 'Evt14' });
    this.markReleased();
  }

  private markReleased(): void {
    if (this.releasedFlag) return;
    this.releasedFlag = true;
    this.idle.stop();
    this.emit('released');
  }

  private setAborted(info: AbortInfo): void {
    if (this.abortInfo || this.releasedFlag) return;
    this.abortInfo = info;
    this.idle.stop();
    this.receiver.destroyAll(new AssociationAbortedError(info));
    this.emit('aborted', info);
  }

  private onIdle(): void {
    // Quiet because we are busy (sending, storing), not because the peer went away.
    if (this.sending || this.tracked.size > 0) {
      this.idle.touch();
      this.idle.start();
      return;
    }
    this.abort(0, 0, 'idle-timeout');
  }

  private onArtimExpired(): void {
    this.pendingCause ??= 'artim-timeout';
    if (this.machine.accepts('Evt18')) this.machine.dispatch({ event: 'Evt18' });
  }

  private closeTransport(): void {
    const s = this.socket;
    if (!s || s.destroyed) return;
    s.end(() => s.destroy());
  }

  private endedError(): Error {
    return new AssociationAbortedError(this.abortInfo ?? { source: 2, reason: 0, initiator: 'transport', cause: this.pendingCause });
  }

  private onTransportClosed(): void {
    if (this.closedFlag) return;
    if (this.machine.accepts('Evt17')) this.machine.dispatch({ event: 'Evt17' });
    this.closedFlag = true;
    this.artim.stop();
    this.idle.stop();
    const ended = this.endedError();
    this.receiver.destroyAll(ended);
    this.flushDrainWaiters(ended);
    for (const job of this.queue.splice(0)) job.fail(ended);
    for (const fn of this.queueIdleWaiters.splice(0)) fn();
    this.resolveClosed();
    this.emit('close');
  }
}
