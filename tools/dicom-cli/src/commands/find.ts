// find: C-FIND, each match printed as one line of DICOM JSON (PS3.18 F.2) on stdout.
import { describeStatus, find, proposeQuery, statusCategory } from '@pacs/dicom';
import { parseArgs } from '../args';
import { CONNECTION_OPTIONS, openAssociation, peerFrom } from '../connection';
import { toDicomJson } from '../dicom-json';
import { ExitCode, UsageError } from '../exit-codes';
import { identifierFrom, modelFamily, modelUid, QUERY_OPTIONS } from '../keys';

export async function findCommand(argv: readonly string[]): Promise<ExitCode> {
  const args = parseArgs(argv, [...CONNECTION_OPTIONS, ...QUERY_OPTIONS]);
  const { peer, rest } = peerFrom(args);
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const identifier = identifierFrom(args);
  const model = modelUid(modelFamily(args), 'Find');
  const association = await openAssociation(peer, proposeQuery([model]));
  let count = 0;
  try {
    const query = find(association, model, identifier);
    try {
      for await (const match of query) {
        count++;
        process.stdout.write(`${JSON.stringify(toDicomJson(match))}\n`);
      }
    } catch {
      // The final status is reported below from `done`.
    }
    const final = await query.done;
    console.error(`${count} matches, ${describeStatus(final.status, 'C-FIND')}${final.errorComment ? ` (${final.errorComment})` : ''}`);
    return statusCategory(final.status) === 'failure' ? ExitCode.OperationsFailed : ExitCode.Ok;
  } finally {
    await association.release().catch(() => association.abort());
  }
}
