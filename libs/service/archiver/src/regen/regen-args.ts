import { isValidUid } from '@pacs/dicom';
import { UsageError } from '@pacs/runtime';

export const REGEN_USAGE = `usage: regen (--full | --study <Study Instance UID>) [--config <file>]
  --full          re-announce every stored object (the whole index is rebuilt)
  --study <UID>   re-announce the objects of one study`;

export interface RegenArgs {
  studyInstanceUid?: string;
}

/**
 * The command line of apps/regen. One of --full or --study is required, so that rebuilding
 * a whole archive is never what a bare "regen" does by accident. --config belongs to the
 * configuration loader and is passed over here.
 */
export function parseRegenArgs(argv: readonly string[]): RegenArgs {
  let full = false;
  let study: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--full') full = true;
    else if (arg === '--study' || arg.startsWith('--study=')) {
      study = arg === '--study' ? argv[++i] : arg.slice('--study='.length);
      if (study === undefined || !isValidUid(study)) throw new UsageError(`--study needs a Study Instance UID (PS3.5 §9.1), got ${JSON.stringify(study ?? '')}\n${REGEN_USAGE}`);
    } else if (arg === '--config') i++;
    else if (arg.startsWith('--config=')) continue;
    else throw new UsageError(`unknown argument ${JSON.stringify(arg)}\n${REGEN_USAGE}`);
  }
  if (full === (study !== undefined)) throw new UsageError(`give exactly one of --full and --study\n${REGEN_USAGE}`);
  return study === undefined ? {} : { studyInstanceUid: study };
}
