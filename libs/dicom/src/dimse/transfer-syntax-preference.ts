// Which transfer syntax to accept for a proposed presentation context. The archive stores what
// it receives, so the sender's own choice (its first proposal) wins; the one exception is
// Implicit VR Little Endian, which loses VRs of private elements and is only taken when
// Explicit VR Little Endian is not offered in the same context.
import { TRANSFER_SYNTAXES, TransferSyntaxUid } from '../core';

/** Native (uncompressed) syntaxes first, then every encapsulated one as opaque pass-through. */
export const STORAGE_TRANSFER_SYNTAXES: readonly string[] = [
  TransferSyntaxUid.ExplicitVRLittleEndian,
  TransferSyntaxUid.ImplicitVRLittleEndian,
  TransferSyntaxUid.DeflatedExplicitVRLittleEndian,
  TransferSyntaxUid.ExplicitVRBigEndian,
  ...TRANSFER_SYNTAXES.filter((t) => t.pixelData !== 'native').map((t) => t.uid),
];

/** Identifiers and command-only services: small data sets we parse ourselves (PS3.5 §10). */
export const QUERY_TRANSFER_SYNTAXES: readonly string[] = [
  TransferSyntaxUid.ExplicitVRLittleEndian,
  TransferSyntaxUid.ImplicitVRLittleEndian,
  TransferSyntaxUid.DeflatedExplicitVRLittleEndian,
  TransferSyntaxUid.ExplicitVRBigEndian,
];

/**
 * The first proposed syntax that `accepted` contains, except that Explicit VR LE replaces
 * Implicit VR LE when both were proposed and accepted.
 */
export function selectProposedTransferSyntax(proposed: readonly string[], accepted: readonly string[]): string | undefined {
  const first = proposed.find((ts) => accepted.includes(ts));
  if (
    first === TransferSyntaxUid.ImplicitVRLittleEndian &&
    proposed.includes(TransferSyntaxUid.ExplicitVRLittleEndian) &&
    accepted.includes(TransferSyntaxUid.ExplicitVRLittleEndian)
  ) {
    return TransferSyntaxUid.ExplicitVRLittleEndian;
  }
  return first;
}
