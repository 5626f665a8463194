// Inbound DIMSE message parts from P-DATA-TF PDVs (PS3.8 §9.3.5.1, PS3.7 §6.3.1): command
// fragments are gathered into one small Buffer, data fragments flow into a Readable per
// message with backpressure on the socket.
import { Readable } from 'node:stream';
import { PduDecodeError, ProviderAbortReason, type Pdv } from '../pdu';

export interface PDataReceiverHooks {
  onCommand(presentationContextId: number, command: Buffer): void;
  onDataset(presentationContextId: number, stream: Readable): void;
  /** Stop reading the socket: a consumer's buffer is full. */
  pause(): void;
  resume(): void;
}

export interface PDataReceiverOptions {
  maxCommandLength: number;
  highWaterMark: number;
}

interface CommandInProgress {
  fragments: Buffer[];
  length: number;
}

const invalid = (detail: string): PduDecodeError => new PduDecodeError(ProviderAbortReason.InvalidPduParameterValue, detail);

export class PDataReceiver {
  /** Times the socket was paused / resumed for a slow data set consumer. */
  pauses = 0;
  resumes = 0;
  private readonly commands = new Map<number, CommandInProgress>();
  private readonly streams = new Map<number, Readable>();
  private blockedBy: Readable | undefined;

  constructor(
    private readonly hooks: PDataReceiverHooks,
    private readonly options: PDataReceiverOptions,
  ) {}

  get paused(): boolean {
    return this.blockedBy !== undefined;
  }

  /** Throws PduDecodeError when the fragments break DIMSE framing; the caller aborts. */
  receive(pdv: Pdv): void {
    const id = pdv.presentationContextId;
    if (pdv.isCommand) this.receiveCommand(id, pdv);
    else this.receiveData(id, pdv);
  }

  private receiveCommand(id: number, pdv: Pdv): void {
    if (this.streams.has(id)) throw invalid(`command fragment on presentation context ${id} before the data set ended`);
    let cmd = this.commands.get(id);
    if (cmd === undefined) {
      if (pdv.isLast) {
        this.checkCommandLength(id, pdv.data.length);
        this.hooks.onCommand(id, pdv.data);
        return;
      }
      cmd = { fragments: [], length: 0 };
      this.commands.set(id, cmd);
    }
    cmd.length += pdv.data.length;
    this.checkCommandLength(id, cmd.length);
    cmd.fragments.push(pdv.data);
    if (!pdv.isLast) return;
    this.commands.delete(id);
    this.hooks.onCommand(id, Buffer.concat(cmd.fragments, cmd.length));
  }

  private checkCommandLength(id: number, length: number): void {
    if (length > this.options.maxCommandLength) {
      throw invalid(`command set on presentation context ${id} exceeds ${this.options.maxCommandLength} bytes`);
    }
  }

  private receiveData(id: number, pdv: Pdv): void {
    if (this.commands.has(id)) throw invalid(`data fragment on presentation context ${id} inside a command set`);
    let stream = this.streams.get(id);
    if (stream === undefined) {
      stream = this.openStream();
      this.streams.set(id, stream);
      this.hooks.onDataset(id, stream);
    }
    const room = stream.destroyed ? true : stream.push(pdv.data);
    if (pdv.isLast) {
      this.streams.delete(id);
      if (!stream.destroyed) stream.push(null);
      return;
    }
    if (!room && this.blockedBy === undefined) {
      this.blockedBy = stream;
      this.pauses++;
      this.hooks.pause();
    }
  }

  private openStream(): Readable {
    const stream: Readable = new Readable({
      highWaterMark: this.options.highWaterMark,
      read: () => this.unblock(stream),
    });
    // A consumer that gives up (storage failure) must not stall the association: the rest of
    // its fragments are dropped and the socket keeps flowing.
    stream.once('close', () => this.unblock(stream));
    // destroyAll() fails streams nobody may be listening to; that must not crash the process.
    stream.on('error', () => undefined);
    return stream;
  }

  private unblock(stream: Readable): void {
    if (this.blockedBy !== stream) return;
    this.blockedBy = undefined;
    this.resumes++;
    this.hooks.resume();
  }

  /** The association ended: open data set streams fail with `error`, partial commands are dropped. */
  destroyAll(error: Error): void {
    this.commands.clear();
    for (const stream of this.streams.values()) stream.destroy(error);
    this.streams.clear();
    // Keep reading: the peer's A-ABORT or connection close must still be seen.
    if (this.blockedBy) this.unblock(this.blockedBy);
  }
}
