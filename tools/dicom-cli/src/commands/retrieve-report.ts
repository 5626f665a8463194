// Progress and summary lines shared by move and get.
import { describeStatus, statusCategory, type RetrieveOperation, type RetrieveOutcome } from '@pacs/dicom';
import { ExitCode } from '../exit-codes';

export async function followRetrieve(operation: RetrieveOperation, service: 'C-MOVE' | 'C-GET'): Promise<RetrieveOutcome> {
  const tty = process.stderr.isTTY === true;
  try {
    for await (const p of operation) {
      const line = `${service} pending: ${p.completed ?? 0} completed, ${p.failed ?? 0} failed, ${p.warning ?? 0} warning, ${p.remaining ?? '?'} remaining`;
      if (tty) process.stderr.write(`\r${line.padEnd(79)}`);
    }
  } catch {
    // The final status is reported from `done`.
  }
  if (tty) process.stderr.write(`\r${' '.repeat(79)}\r`);
  return operation.done;
}

export function reportRetrieve(outcome: RetrieveOutcome, service: 'C-MOVE' | 'C-GET'): ExitCode {
  const failedList = outcome.failedSopInstanceUids.length > 0 ? `; failed: ${outcome.failedSopInstanceUids.join(' ')}` : '';
  console.log(
    `${service}: ${outcome.completed ?? 0} completed, ${outcome.failed ?? 0} failed, ${outcome.warning ?? 0} warning, ` +
      `${describeStatus(outcome.status, service)}${outcome.errorComment ? ` (${outcome.errorComment})` : ''}${failedList}`,
  );
  const failed = statusCategory(outcome.status) === 'failure' || (outcome.failed ?? 0) > 0;
  return failed ? ExitCode.OperationsFailed : ExitCode.Ok;
}
