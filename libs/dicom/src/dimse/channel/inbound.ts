// What the channel hands to the DIMSE service layers: decoded commands with their data sets.
import type { Readable } from 'node:stream';
import type { NegotiatedContext } from '../../ul';
import type { DimseMessage } from '../commands';

interface Addressed {
  readonly presentationContextId: number;
  readonly context: NegotiatedContext;
}

/** A request (C-xxx-RQ, N-xxx-RQ, C-CANCEL-RQ) whose command set decoded. */
export interface InboundRequest extends Addressed {
  readonly kind: 'request';
  readonly command: DimseMessage;
  /** The data set as it arrives, with backpressure; undefined when the command announces none. */
  readonly data: Readable | undefined;
  /** Settles once the whole data set arrived (at once when there is none); rejects if the association ends first. */
  readonly dataComplete: Promise<void>;
}

/**
 * A request whose command set is valid DICOM but no valid command (missing element, unknown
 * Command Field): it still gets an answer (PS3.7 §C.5) once any announced data set is drained.
 */
export interface InboundInvalidRequest extends Addressed {
  readonly kind: 'invalid';
  readonly commandField: number;
  readonly messageId: number;
  readonly affectedSopClassUid: string | undefined;
  readonly error: Error;
  readonly data: Readable | undefined;
  readonly dataComplete: Promise<void>;
}

export type InboundRequestMessage = InboundRequest | InboundInvalidRequest;

/** A response, with its data set (identifiers, failed UID lists) read whole and bounded. */
export interface InboundResponse extends Addressed {
  readonly command: DimseMessage;
  readonly data: Buffer | undefined;
}
