// echo: C-ECHO, like echoscu.
import { describeStatus, echo, proposeQuery, Status, VERIFICATION_SOP_CLASS_UID } from '@pacs/dicom';
import { parseArgs } from '../args';
import { CONNECTION_OPTIONS, openAssociation, peerFrom } from '../connection';
import { ExitCode, UsageError } from '../exit-codes';

export async function echoCommand(argv: readonly string[]): Promise<ExitCode> {
  const args = parseArgs(argv, CONNECTION_OPTIONS);
  const { peer, rest } = peerFrom(args);
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const association = await openAssociation(peer, proposeQuery([VERIFICATION_SOP_CLASS_UID]));
  try {
    const response = await echo(association);
    console.log(`C-ECHO ${peer.calledAeTitle}@${peer.host}:${peer.port}: ${describeStatus(response.status, 'C-ECHO')}`);
    return response.status === Status.Success ? ExitCode.Ok : ExitCode.OperationsFailed;
  } finally {
    await association.release().catch(() => association.abort());
  }
}
