// What serveDimse asks of the application: one handler per DIMSE service (PS3.7 §9.1, §10.1).
import type { Readable } from 'node:stream';
import type { DataSet } from '../../core';
import type { NegotiatedAssociation, NegotiatedContext } from '../../ul';
import type { CEchoRq, CFindRq, CGetRq, CMoveRq, CStoreRq, DimseMessage } from '../commands';

/** Who is asking: for logs, authorisation and AE-specific rules. */
export interface AssociationInfo {
  /** The association's short log id. */
  readonly id: string;
  readonly callingAeTitle: string;
  readonly calledAeTitle: string;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly negotiated: NegotiatedAssociation;
}

interface RequestBase {
  readonly association: AssociationInfo;
  readonly presentationContext: NegotiatedContext;
  /** Aborted on C-CANCEL-RQ (Q/R) or when the association ends. */
  readonly signal: AbortSignal;
}

/** A DIMSE outcome: status (PS3.7 Annex C) and the optional diagnostic elements. */
export interface DimseOutcome {
  status: number;
  errorComment?: string;
  /** Tags of offending elements (0000,0901). */
  offendingElements?: number[];
}

export interface EchoRequest extends RequestBase {
  readonly command: CEchoRq;
}

export interface StoreRequest extends RequestBase {
  /** Available before any data arrives (SOP class/instance UID, priority, move originator). */
  readonly command: CStoreRq;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  /** The presentation context's transfer syntax: how `dataSet` is encoded. */
  readonly transferSyntaxUid: string;
  /** The data set bytes as they arrive, with backpressure on the socket. */
  readonly dataSet: Readable;
}

export interface FindPending {
  identifier: DataSet;
  /** 0xFF00 (default) or 0xFF01: matching continues, optional keys not supported. */
  status?: 0xff00 | 0xff01;
}

interface QueryRequestBase extends RequestBase {
  readonly identifier: DataSet;
  /** The information model (SOP class UID) of the request. */
  readonly model: string;
}

export interface FindRequest extends QueryRequestBase {
  readonly command: CFindRq;
}

/** PS3.4 C.4.2.1.5: the sub-operation counters of pending and final C-MOVE/C-GET responses. */
export interface RetrieveProgress {
  remaining: number;
  completed: number;
  failed: number;
  warning: number;
}

export interface RetrieveResult {
  completed: number;
  failed: number;
  warning: number;
  /** Left for a cancelled retrieve (reported with 0xFE00). */
  remaining?: number;
  /** Failed SOP Instance UID List (0008,0058) of the final response. */
  failedSopInstanceUids?: readonly string[];
  /** Overrides the computed status (0x0000, 0xB000 with failures/warnings, 0xFE00 when cancelled), e.g. 0xA702. */
  status?: number;
  errorComment?: string;
}

export interface MoveRequest extends QueryRequestBase {
  readonly command: CMoveRq;
  readonly moveDestination: string;
}

/**
 * Performs one C-STORE sub-operation on the C-GET's own association (PS3.4 C.4.3.3) and
 * resolves with the peer's C-STORE-RSP status, or 0x0122 when no presentation context with
 * that SOP class, that transfer syntax and the SCP role for the requestor was negotiated.
 * Once it resolves a Buffer data set is not read any more: its owner may reuse it.
 */
export type SendSubOperation = (sopClassUid: string, sopInstanceUid: string, transferSyntaxUid: string, dataSet: Readable | Buffer) => Promise<number>;

export interface GetRequest extends QueryRequestBase {
  readonly command: CGetRq;
  readonly sendSubOperation: SendSubOperation;
}

export type RetrieveGenerator = AsyncGenerator<RetrieveProgress, RetrieveResult, void>;

export interface NServiceRequest extends RequestBase {
  /** N-EVENT-REPORT-RQ, N-GET-RQ, N-SET-RQ, N-ACTION-RQ, N-CREATE-RQ or N-DELETE-RQ. */
  readonly command: DimseMessage;
  readonly dataSet: DataSet | undefined;
}

export interface NServiceResult extends DimseOutcome {
  dataSet?: DataSet;
  /** For N-CREATE when the SCP assigned the instance UID. */
  affectedSopInstanceUid?: string;
}

export interface DimseHandlers {
  /** Default: success (PS3.4 A.4). */
  echo?: (request: EchoRequest) => Promise<DimseOutcome | void> | DimseOutcome | void;
  /** Must consume or destroy `dataSet`; the response waits for the whole data set either way. */
  store?: (request: StoreRequest) => Promise<DimseOutcome>;
  /** Each match becomes a pending response; the end of iteration the final 0x0000. */
  find?: (request: FindRequest) => AsyncIterable<DataSet | FindPending>;
  /** Yields progress (pending responses), returns the final counts. Must stop when `signal` aborts. */
  move?: (request: MoveRequest) => RetrieveGenerator;
  get?: (request: GetRequest) => RetrieveGenerator;
  /** DIMSE-N services; without it they are answered 0x0211 or 0x0122. */
  nService?: (request: NServiceRequest) => Promise<NServiceResult>;
}

export interface ServeDimseOptions {
  /** Status for a store handler that throws something other than DimseStatusError; default 0xA700. */
  storeFailureStatus?: number;
  /** Largest identifier accepted in a C-FIND/C-MOVE/C-GET request; default 1 MiB. */
  maxIdentifierLength?: number;
  /**
   * Least time between two pending C-MOVE/C-GET responses, in ms; default 0: one after every
   * sub-operation. Pending responses are optional (PS3.4 C.4.2.3.1, C.4.3.3.1): the first is
   * always sent, then at most one per interval (each carries the counts so far); the final
   * response always carries the final counts.
   */
  pendingIntervalMs?: number;
  /** Told about handler failures that were turned into statuses (for logs). */
  onHandlerError?: (error: unknown, service: string, association: AssociationInfo) => void;
}
