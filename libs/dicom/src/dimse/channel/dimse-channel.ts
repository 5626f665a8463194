// One DIMSE message layer per association (PS3.7 §6.3): decodes each command set, pairs it
// with the data set that follows on the same presentation context, hands requests to the
// request handler (the SCP side, or a C-GET SCU receiving sub-operations) and responses to
// the request that waits for them. Outgoing requests get message ids and respect the
// asynchronous operations window.
import type { Readable } from 'node:stream';
import { DataSet, DicomParseError, readDataSet, dataSetEncoding, TransferSyntaxUid } from '../../core';
import { AbortSource, ProviderAbortReason } from '../../pdu';
import type { Association, CommandMessage, DatasetMessage } from '../../net';
import { describeAbortInfo } from '../../net';
import {
  cCancelRq,
  CommandField,
  decodeCommandSet,
  DimseCommandError,
  encodeCommandSet,
  isResponse,
  type DimseCommandBase,
  type DimseMessage,
} from '../commands';
import { DimseAssociationEndedError, DimseProtocolError } from '../errors';
import { collectedDataSet, forwardedDataSet } from './data-set-stream';
import { padDeflatedToEven } from './deflate-padding';
import type { InboundRequestMessage, InboundResponse } from './inbound';
import { OperationWindow } from './operation-window';
import { ResponseQueue, type ResponseStream } from './response-queue';

export interface DimseChannelOptions {
  /** Largest data set read whole (identifiers, response data sets); default 4 MiB. */
  maxIdentifierLength?: number;
  /** Bytes a forwarded C-STORE data set buffers before the association's socket pauses; default 256 KiB. */
  dataSetHighWaterMark?: number;
}

export type RequestHandler = (request: InboundRequestMessage) => void;

const DEFAULT_MAX_IDENTIFIER_LENGTH = 4 * 1024 * 1024;
const DEFAULT_DATA_SET_HIGH_WATER_MARK = 256 * 1024;
const MESSAGE_ID_MAX = 0xffff;

const channels = new WeakMap<Association, DimseChannel>();

interface PendingData {
  attach(source: Readable): void;
  fail(error: Error): void;
}

export class DimseChannel {
  private invokedWindow: OperationWindow | undefined;
  private requestHandler: RequestHandler | undefined;
  private readonly expected = new Map<number, PendingData>();
  private readonly waiting = new Map<number, ResponseQueue>();
  private responseChain: Promise<void> = Promise.resolve();
  private lastMessageId = 0;
  private ended: Error | undefined;
  private readonly maxIdentifierLength: number;
  private readonly highWaterMark: number;

  /** The channel of an association, created on first use; `options` count only then. */
  static of(association: Association, options: DimseChannelOptions = {}): DimseChannel {
    let channel = channels.get(association);
    if (!channel) {
      channel = new DimseChannel(association, options);
      channels.set(association, channel);
    }
    return channel;
  }

  private constructor(
    readonly association: Association,
    options: DimseChannelOptions,
  ) {
    this.maxIdentifierLength = options.maxIdentifierLength ?? DEFAULT_MAX_IDENTIFIER_LENGTH;
    this.highWaterMark = options.dataSetHighWaterMark ?? DEFAULT_DATA_SET_HIGH_WATER_MARK;
    association.on('command', (m) => this.onCommand(m));
    association.on('dataset', (m) => this.onDataset(m));
    association.once('close', () => this.onClose());
  }

  /** Outstanding operations the peer may ask us to perform at once (PS3.7 D.3.3.3); 0 = unlimited. */
  get performedLimit(): number {
    const n = this.association.negotiated;
    return (this.association.role === 'requestor' ? n?.maxOperationsPerformed : n?.maxOperationsInvoked) ?? 1;
  }

  /** Operations we invoke; read once the association is established. */
  private get invoked(): OperationWindow {
    if (!this.invokedWindow) {
      const n = this.association.negotiated;
      this.invokedWindow = new OperationWindow((this.association.role === 'requestor' ? n?.maxOperationsInvoked : n?.maxOperationsPerformed) ?? 1);
    }
    return this.invokedWindow;
  }

  /** Set by serveDimse (or a C-GET SCU); returns the previous handler so it can be restored. */
  setRequestHandler(handler: RequestHandler | undefined): RequestHandler | undefined {
    const previous = this.requestHandler;
    this.requestHandler = handler;
    return previous;
  }

  /** Why the association is gone, once it is. */
  get endedError(): Error | undefined {
    return this.ended;
  }

  /**
   * Sends a request (command, then its data set) once the operations window has room and
   * returns its responses. `build` receives the message id to put in the command.
   */
  request(presentationContextId: number, build: (messageId: number) => DimseCommandBase, data?: Buffer | Readable): ResponseStream {
    const messageId = this.nextMessageId();
    const queue = new ResponseQueue(messageId);
    if (this.ended) {
      if (data && !Buffer.isBuffer(data)) data.destroy();
      queue.fail(this.ended);
      return queue;
    }
    this.waiting.set(messageId, queue);
    const done = (): void => {
      if (this.waiting.get(messageId) === queue) this.waiting.delete(messageId);
    };
    queue.final.then(done, done);
    void this.invoked
      .run(async () => {
        await this.send(presentationContextId, build(messageId), data);
        await queue.final;
      })
      .catch((err: unknown) => queue.fail(err instanceof Error ? err : new DimseAssociationEndedError(String(err))));
    return queue;
  }

  /** C-CANCEL-RQ (PS3.7 §9.3.2.3): not an operation of its own, so outside the window. */
  cancel(presentationContextId: number, messageIdBeingRespondedTo: number): Promise<void> {
    return this.send(presentationContextId, cCancelRq({ messageIdBeingRespondedTo }));
  }

  /**
   * Sends one message: the command set, then the data set if any, back to back. A message held
   * whole in memory leaves at once, in one write, not at the end of the tick: the peer acts
   * only once it is in (answers a request, sends its next request after a response), and the
   * tick may end only after every promise callback queued ahead has run: the next
   * sub-operation's read after a C-STORE-RSP (0.1 ms), the indexer's work woken by the
   * announcement of a stored instance before its C-STORE-RSP (0.2 ms, embedded mode). A
   * streamed data set goes out as it is read. `flush: false` is for a message the peer does not
   * act on (a pending C-FIND response): it leaves with whatever else this tick writes, so the
   * matches of one batch and the final response reach the peer in one write.
   */
  async send(presentationContextId: number, command: DimseCommandBase, data?: Buffer | Readable, options: { flush?: boolean } = {}): Promise<void> {
    const transferSyntax = this.association.negotiated?.contexts.get(presentationContextId)?.transferSyntax;
    if (data !== undefined && transferSyntax !== undefined && dataSetEncoding(transferSyntax).deflated) data = padDeflatedToEven(data);
    const sends = [this.association.sendCommand(presentationContextId, encodeCommandSet({ ...command, hasDataSet: data !== undefined }))];
    if (data !== undefined) {
      sends.push(
        Buffer.isBuffer(data)
          ? this.association.sendData(presentationContextId, data)
          : this.association.sendDataStream(presentationContextId, data),
      );
    }
    if ((data === undefined || Buffer.isBuffer(data)) && options.flush !== false) this.association.flushWrites();
    try {
      await Promise.all(sends);
    } catch (err) {
      if (data !== undefined && !Buffer.isBuffer(data)) data.destroy();
      throw err;
    }
  }

  /** Aborts for a DIMSE framing violation (PS3.8 §9.3.8: service-provider, invalid parameter). */
  protocolAbort(detail: string): void {
    this.association.abort(AbortSource.ServiceProvider, ProviderAbortReason.InvalidPduParameterValue, `DIMSE: ${detail}`);
  }

  private nextMessageId(): number {
    for (let i = 0; i < MESSAGE_ID_MAX; i++) {
      this.lastMessageId = this.lastMessageId >= MESSAGE_ID_MAX ? 1 : this.lastMessageId + 1;
      if (!this.waiting.has(this.lastMessageId)) return this.lastMessageId;
    }
    throw new DimseProtocolError('no free message id: 65535 requests outstanding');
  }

  private onCommand(message: CommandMessage): void {
    let command: DimseMessage;
    try {
      command = decodeCommandSet(message.command);
    } catch (err) {
      if (err instanceof DimseCommandError) this.onInvalidCommand(message, err);
      else this.protocolAbort(`unreadable command set: ${(err as Error).message}`);
      return;
    }
    if (command.hasDataSet && this.expected.has(message.presentationContextId)) {
      this.protocolAbort(`a command on presentation context ${message.presentationContextId} before the announced data set`);
      return;
    }
    if (isResponse(command.commandField)) this.onResponse(message, command);
    else this.onRequest(message, command);
  }

  private onRequest(message: CommandMessage, command: DimseMessage): void {
    const handler = this.requestHandler;
    if (!handler) {
      this.protocolAbort(`unexpected ${command.commandField === CommandField.C_STORE_RQ ? 'C-STORE-RQ' : 'request'}: no service on this association`);
      return;
    }
    const { data, dataComplete } = this.expectRequestData(message.presentationContextId, command.hasDataSet);
    handler({ kind: 'request', presentationContextId: message.presentationContextId, context: message.context, command, data, dataComplete });
  }

  private onInvalidCommand(message: CommandMessage, error: DimseCommandError): void {
    // The bytes decoded (only the command's meaning is wrong): salvage what a response needs.
    const ds = readDataSet(message.command, TransferSyntaxUid.ImplicitVRLittleEndian, { maxDepth: 0 });
    const commandField = ds.getNumber(0x00000100);
    const messageId = ds.getNumber(0x00000110);
    const dataSetType = ds.getNumber(0x00000800);
    const handler = this.requestHandler;
    if (commandField === undefined || messageId === undefined || isResponse(commandField) || !handler) {
      this.protocolAbort(error.message);
      return;
    }
    if (commandField === CommandField.C_CANCEL_RQ) return;
    const hasDataSet = dataSetType !== undefined && dataSetType !== 0x0101;
    if (hasDataSet && this.expected.has(message.presentationContextId)) {
      this.protocolAbort(`a command on presentation context ${message.presentationContextId} before the announced data set`);
      return;
    }
    const { data, dataComplete } = this.expectRequestData(message.presentationContextId, hasDataSet);
    handler({
      kind: 'invalid',
      presentationContextId: message.presentationContextId,
      context: message.context,
      commandField,
      messageId,
      affectedSopClassUid: safeUid(ds),
      error,
      data,
      dataComplete,
    });
  }

  private expectRequestData(presentationContextId: number, hasDataSet: boolean): { data: Readable | undefined; dataComplete: Promise<void> } {
    if (!hasDataSet) return { data: undefined, dataComplete: Promise.resolve() };
    const forwarded = forwardedDataSet(this.highWaterMark);
    if (this.ended) forwarded.fail(this.ended);
    else this.expected.set(presentationContextId, forwarded);
    return { data: forwarded.stream, dataComplete: forwarded.complete };
  }

  private onResponse(message: CommandMessage, command: DimseMessage): void {
    let bytes: Promise<Buffer | undefined> = Promise.resolve(undefined);
    if (command.hasDataSet) {
      const collected = collectedDataSet(this.maxIdentifierLength, (e) => this.protocolAbort(e.message));
      this.expected.set(message.presentationContextId, collected);
      bytes = collected.bytes;
    }
    // Delivered in arrival order: a pending response's identifier may still be arriving
    // when the final response's command is decoded.
    this.responseChain = this.responseChain.then(async () => {
      let data: Buffer | undefined;
      try {
        data = await bytes;
      } catch {
        return;
      }
      const queue = command.messageIdBeingRespondedTo === undefined ? undefined : this.waiting.get(command.messageIdBeingRespondedTo);
      const response: InboundResponse = { presentationContextId: message.presentationContextId, context: message.context, command, data };
      // A response to nothing we asked is dropped: the peer's bug must not end our association.
      if (queue && queue.push(response)) this.waiting.delete(queue.messageId);
    });
  }

  private onDataset(message: DatasetMessage): void {
    const pending = this.expected.get(message.presentationContextId);
    if (!pending) {
      message.stream.resume();
      this.protocolAbort(`a data set on presentation context ${message.presentationContextId} that no command announced`);
      return;
    }
    this.expected.delete(message.presentationContextId);
    pending.attach(message.stream);
  }

  private onClose(): void {
    const info = this.association.abortInfo;
    this.ended = new DimseAssociationEndedError(info ? describeAbortInfo(info) : 'released or closed');
    for (const pending of this.expected.values()) pending.fail(this.ended);
    this.expected.clear();
    for (const queue of this.waiting.values()) queue.fail(this.ended);
    this.waiting.clear();
  }
}

function safeUid(ds: DataSet): string | undefined {
  try {
    return ds.getUid(0x00000002);
  } catch (err) {
    if (err instanceof DicomParseError) return undefined;
    throw err;
  }
}
