// move: C-MOVE to the AE title given with --dest, like movescu -aem.
import { move, proposeQuery } from '@pacs/dicom';
import { parseArgs, single } from '../args';
import { CONNECTION_OPTIONS, openAssociation, peerFrom } from '../connection';
import { ExitCode, UsageError } from '../exit-codes';
import { identifierFrom, modelFamily, modelUid, QUERY_OPTIONS } from '../keys';
import { followRetrieve, reportRetrieve } from './retrieve-report';

export async function moveCommand(argv: readonly string[]): Promise<ExitCode> {
  const args = parseArgs(argv, [...CONNECTION_OPTIONS, ...QUERY_OPTIONS, { names: ['--dest', '-aem'], value: true }]);
  const { peer, rest } = peerFrom(args);
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const destination = single(args, '--dest');
  if (!destination) throw new UsageError('--dest AE is required');
  const identifier = identifierFrom(args);
  const model = modelUid(modelFamily(args), 'Move');
  const association = await openAssociation(peer, proposeQuery([model]));
  try {
    return reportRetrieve(await followRetrieve(move(association, model, destination, identifier), 'C-MOVE'), 'C-MOVE');
  } finally {
    await association.release().catch(() => association.abort());
  }
}
