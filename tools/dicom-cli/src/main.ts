#!/usr/bin/env node
// dicom-cli: echo, store, find, move, get against any DICOM peer, in the spirit of DCMTK's
// echoscu/storescu/findscu/movescu/getscu, built on @pacs/dicom only.
//
//   npx tsx tools/dicom-cli/src/main.ts echo -aec PACS localhost 11112
import {
  AssociationAbortedError,
  AssociationRejectedError,
  AssociationTimeoutError,
  DimseAssociationEndedError,
} from '@pacs/dicom';
import { echoCommand } from './commands/echo';
import { findCommand } from './commands/find';
import { getCommand } from './commands/get';
import { moveCommand } from './commands/move';
import { storeCommand } from './commands/store';
import { ExitCode, UsageError } from './exit-codes';

const USAGE = `usage: dicom-cli COMMAND [options] HOST PORT [FILE|DIR...]

commands:
  echo                         C-ECHO
  store FILE|DIR...            C-STORE files, directories recursively
                                 -j N          N parallel associations (default 1)
                                 --no-progress no progress bar (only shown on a terminal)
  find                         C-FIND, one DICOM JSON line per match on stdout
  move --dest AE               C-MOVE to the AE title AE
  get --out DIR                C-GET into DIR (--sop-class UID, --ts UID to propose more)

query options (find, move, get):
  -L LEVEL                     PATIENT, STUDY, SERIES or IMAGE
  -k Key=Value | -k Key        matching / return key (keyword or gggg,eeee), repeatable
  -P | -S | -O                 patient root, study root (default), patient/study only

connection options:
  -aet AE                      calling AE title (default DICOMCLI)
  -aec AE                      called AE title (default ANY-SCP)
  --tls                        DICOM over TLS (--tls-ca, --tls-cert, --tls-key FILE, --tls-insecure)
  --max-pdu N                  largest PDU we receive
  --timeout MS                 connect and association timeout

exit codes: 0 ok, 1 usage, 2 association failure, 3 some operations failed`;

const COMMANDS: Record<string, (argv: readonly string[]) => Promise<ExitCode>> = {
  echo: echoCommand,
  store: storeCommand,
  find: findCommand,
  move: moveCommand,
  get: getCommand,
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

function isAssociationFailure(err: unknown): boolean {
  if (
    err instanceof AssociationRejectedError ||
    err instanceof AssociationAbortedError ||
    err instanceof AssociationTimeoutError ||
    err instanceof DimseAssociationEndedError
  ) {
    return true;
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT'));
}

export async function main(argv: readonly string[]): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') {
    console.log(USAGE);
    return command === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`unknown command "${command}"\n\n${USAGE}`);
    return ExitCode.Usage;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    console.log(USAGE);
    return ExitCode.Ok;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n(dicom-cli --help for usage)`);
      return ExitCode.Usage;
    }
    console.error(`${command}: ${(err as Error).message}`);
    return isAssociationFailure(err) ? ExitCode.AssociationFailure : ExitCode.OperationsFailed;
  }
}

process.exitCode = await main(process.argv.slice(2));
