// DIMSE-N requests (PS3.7 §10): framing only; the nService hook decides. Without one the
// answer is "unrecognized operation" for the SOP classes we serve (they have no N-services)
// and "SOP class not supported" for anything else.
import { DataSet, DicomParseError, readDataSet, writeDataSet } from '../../core';
import { CommandField, Status, type DimseCommandBase } from '../commands';
import type { InboundRequest } from '../channel/inbound';
import { isStorageSopClass, queryRetrieveSopClass, VERIFICATION_SOP_CLASS } from '../sop-classes';
import { drain, type Operation, type ScpContext } from './context';
import type { NServiceResult } from './handlers';
import { errorComment, outcomeFromError } from './outcome';

const N_SERVICE_NAMES = {
  [CommandField.N_EVENT_REPORT_RQ]: 'N-EVENT-REPORT',
  [CommandField.N_GET_RQ]: 'N-GET',
  [CommandField.N_SET_RQ]: 'N-SET',
  [CommandField.N_ACTION_RQ]: 'N-ACTION',
  [CommandField.N_CREATE_RQ]: 'N-CREATE',
  [CommandField.N_DELETE_RQ]: 'N-DELETE',
} as const;

export function isNServiceRequest(commandField: number): commandField is keyof typeof N_SERVICE_NAMES {
  return commandField in N_SERVICE_NAMES;
}

async function readDataSetOf(request: InboundRequest, maxLength: number): Promise<DataSet | undefined> {
  if (!request.data) return undefined;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request.data as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxLength) {
      await drain(request);
      throw new DicomParseError('length-beyond-end', `N-service data set longer than ${maxLength} bytes`, length);
    }
    chunks.push(chunk);
  }
  await request.dataComplete;
  return readDataSet(Buffer.concat(chunks, length), request.context.transferSyntax);
}

function servedWithoutNServices(sopClassUid: string): boolean {
  return sopClassUid === VERIFICATION_SOP_CLASS.uid || isStorageSopClass(sopClassUid) || queryRetrieveSopClass(sopClassUid) !== undefined;
}

export async function performNService(ctx: ScpContext, request: InboundRequest, op: Operation): Promise<void> {
  const command = request.command;
  const name = N_SERVICE_NAMES[command.commandField as keyof typeof N_SERVICE_NAMES];
  let result: NServiceResult;
  try {
    const dataSet = await readDataSetOf(request, ctx.maxIdentifierLength);
    if (ctx.handlers.nService) {
      result = await ctx.handlers.nService({ association: ctx.info, presentationContext: request.context, signal: op.signal, command, dataSet });
    } else if (servedWithoutNServices(request.context.abstractSyntax)) {
      result = { status: Status.UnrecognizedOperation, errorComment: `${name} is not defined for this SOP class` };
    } else {
      result = { status: Status.SOPClassNotSupported };
    }
  } catch (err) {
    if (op.aborted && !op.cancelled) throw err;
    ctx.reportError(err, name);
    result = outcomeFromError(err, name, Status.ProcessingFailure);
    if (result.status === Status.IdentifierDoesNotMatchSOPClass) result = { ...result, status: Status.ProcessingFailure };
  }
  await drain(request);
  const response: DimseCommandBase = {
    commandField: command.commandField | 0x8000,
    hasDataSet: result.dataSet !== undefined,
    messageIdBeingRespondedTo: command.messageId,
    affectedSopClassUid: command.affectedSopClassUid ?? command.requestedSopClassUid,
    affectedSopInstanceUid: result.affectedSopInstanceUid ?? command.affectedSopInstanceUid ?? command.requestedSopInstanceUid,
    status: result.status,
    errorComment: errorComment(result.errorComment),
  };
  if (command.commandField === CommandField.N_ACTION_RQ) response.actionTypeId = command.actionTypeId;
  if (command.commandField === CommandField.N_EVENT_REPORT_RQ) response.eventTypeId = command.eventTypeId;
  const data = result.dataSet ? writeDataSet(result.dataSet, request.context.transferSyntax) : undefined;
  await ctx.channel.send(request.presentationContextId, response, data);
}
