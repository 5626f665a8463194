// The DIMSE SCP dispatcher: every request on an association goes to its service, within the
// negotiated asynchronous operations window (PS3.7 D.3.3.3); C-CANCEL-RQ reaches the operation
// it names; every operation is tracked so an A-RELEASE waits for it (PS3.8 Sta8).
import type { Association } from '../../net';
import { AssociationAbortedError, AssociationStateError } from '../../net';
import { CommandField } from '../commands';
import { DimseChannel } from '../channel/dimse-channel';
import type { InboundRequestMessage } from '../channel/inbound';
import { OperationWindow } from '../channel/operation-window';
import { DimseAssociationEndedError } from '../errors';
import { Operation, type ScpContext } from './context';
import { performEcho } from './echo';
import { performFind } from './find';
import type { AssociationInfo, DimseHandlers, ServeDimseOptions } from './handlers';
import { answerInvalid } from './invalid';
import { isNServiceRequest, performNService } from './n-service';
import { performRetrieve } from './retrieve';
import { performStore } from './store';

export interface DimseServing {
  /** Operations started or waiting for a slot. */
  readonly outstanding: number;
  /** Stops taking requests (later ones abort the association); running ones finish. */
  stop(): void;
}

const DEFAULT_STORE_FAILURE_STATUS = 0xa700;
const DEFAULT_MAX_IDENTIFIER_LENGTH = 1024 * 1024;

function associationInfo(association: Association): AssociationInfo {
  const negotiated = association.negotiated;
  if (!negotiated) throw new AssociationStateError('serve DIMSE before the association is established', association.state);
  return {
    id: association.id,
    callingAeTitle: negotiated.callingAeTitle.trim(),
    calledAeTitle: negotiated.calledAeTitle.trim(),
    remoteAddress: association.remoteAddress,
    remotePort: association.transport?.remotePort,
    negotiated,
  };
}

const endedQuietly = (err: unknown): boolean =>
  err instanceof DimseAssociationEndedError || err instanceof AssociationAbortedError || err instanceof AssociationStateError;

/**
 * Answers the DIMSE requests of `association` with `handlers`. Call it when the association
 * is created (DicomServer 'association' event) or once established; requests are served only
 * after the A-ASSOCIATE-AC.
 */
export function serveDimse(association: Association, handlers: DimseHandlers, options: ServeDimseOptions = {}): DimseServing {
  const channel = DimseChannel.of(association);
  const operations = new Map<number, Operation>();
  let window: OperationWindow | undefined;
  let context: ScpContext | undefined;
  let stopped = false;

  const scpContext = (): ScpContext => {
    context ??= {
      channel,
      handlers,
      storeFailureStatus: options.storeFailureStatus ?? DEFAULT_STORE_FAILURE_STATUS,
      maxIdentifierLength: options.maxIdentifierLength ?? DEFAULT_MAX_IDENTIFIER_LENGTH,
      pendingIntervalMs: options.pendingIntervalMs ?? 0,
      info: associationInfo(association),
      reportError: (error, service) => options.onHandlerError?.(error, service, associationInfo(association)),
    };
    return context;
  };

  const perform = (request: InboundRequestMessage, op: Operation): Promise<void> => {
    const ctx = scpContext();
    if (request.kind === 'invalid') return answerInvalid(ctx, request);
    const field = request.command.commandField;
    switch (field) {
      case CommandField.C_ECHO_RQ:
        return performEcho(ctx, request, op);
      case CommandField.C_STORE_RQ:
        return performStore(ctx, request, op);
      case CommandField.C_FIND_RQ:
        return performFind(ctx, request, op);
      case CommandField.C_MOVE_RQ:
        return performRetrieve(ctx, request, op, 'C-MOVE');
      case CommandField.C_GET_RQ:
        return performRetrieve(ctx, request, op, 'C-GET');
      default:
        if (isNServiceRequest(field)) return performNService(ctx, request, op);
        return answerInvalid(ctx, {
          ...request,
          kind: 'invalid',
          commandField: field,
          messageId: request.command.messageId ?? 0,
          affectedSopClassUid: request.command.affectedSopClassUid,
          error: new Error(`unexpected command field 0x${field.toString(16)}`),
        });
    }
  };

  const onRequest = (request: InboundRequestMessage): void => {
    if (stopped) {
      channel.protocolAbort('request after the DIMSE service stopped');
      return;
    }
    if (request.kind === 'request' && request.command.commandField === CommandField.C_CANCEL_RQ) {
      const id = request.command.messageIdBeingRespondedTo;
      if (id !== undefined) operations.get(id)?.cancel();
      return;
    }
    const messageId = request.kind === 'invalid' ? request.messageId : (request.command.messageId ?? 0);
    const op = new Operation();
    operations.set(messageId, op);
    window ??= new OperationWindow(channel.performedLimit);
    const work = window
      .run(() => perform(request, op))
      .catch((err: unknown) => {
        if (!endedQuietly(err)) options.onHandlerError?.(err, 'DIMSE', scpContext().info);
      })
      .finally(() => {
        if (operations.get(messageId) === op) operations.delete(messageId);
        if (stopped && operations.size === 0) association.off('close', onClose);
      });
    void association.trackWork(work);
  };

  const previous = channel.setRequestHandler(onRequest);
  const onClose = (): void => {
    const reason = channel.endedError ?? new DimseAssociationEndedError('closed');
    for (const op of operations.values()) op.end(reason);
  };
  association.once('close', onClose);

  return {
    get outstanding() {
      return operations.size;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      channel.setRequestHandler(previous);
      if (operations.size === 0) association.off('close', onClose);
    },
  };
}
