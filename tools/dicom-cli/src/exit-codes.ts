// Process exit codes, as documented in --help.
export const ExitCode = {
  Ok: 0,
  Usage: 1,
  AssociationFailure: 2,
  OperationsFailed: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Wrong command line: printed with the usage hint, exit 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
