// A Conquest dgatesop.lst-style acceptance list: which SOP classes, which transfer syntaxes, in
// which order of preference. Lines are whitespace-separated, "#" starts a comment:
//
//   Verification          1.2.840.10008.1.1          sop
//   CTImageStorage        1.2.840.10008.5.1.4.1.1.2  sop
//   MRImageStorage        -                          sop  1.2.840.10008.1.2.4.90,ExplicitVRLittleEndian
//   LittleEndianExplicit  1.2.840.10008.1.2.1        transfer
//   LittleEndianImplicit  1.2.840.10008.1.2          transfer
//
// "transfer" lines form the list every "sop" line without its own list uses (file order =
// preference, as in Conquest). An extension over Conquest: a fourth column on a "sop" line
// gives that class its own comma-separated list. The UID column may be "-" when the name is a
// PS3.6 keyword. "application", "RemoteAE" and "LocalAE" lines are accepted and ignored.
import { isValidUid, TransferSyntaxUid } from '../core';
import type { AcceptedAbstractSyntax } from '../ul';
import { defaultAcceptedAbstractSyntax } from './acceptance';
import { sopClassByKeyword } from './sop-classes';

export class SopListParseError extends Error {
  override readonly name = 'SopListParseError';

  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`sop list line ${line}: ${detail}`);
  }
}

/** Transfer syntax names accepted besides UIDs: our keywords and Conquest's spellings. */
const TRANSFER_SYNTAX_ALIASES: ReadonlyMap<string, string> = new Map([
  ...Object.entries(TransferSyntaxUid).map(([k, v]) => [k.toLowerCase(), v] as const),
  ['littleendianimplicit', TransferSyntaxUid.ImplicitVRLittleEndian],
  ['littleendianexplicit', TransferSyntaxUid.ExplicitVRLittleEndian],
  ['bigendianexplicit', TransferSyntaxUid.ExplicitVRBigEndian],
  ['deflatedexplicitlittleendian', TransferSyntaxUid.DeflatedExplicitVRLittleEndian],
]);

const IGNORED_KINDS = new Set(['application', 'remoteae', 'localae']);

function transferSyntaxUid(token: string, line: number): string {
  if (isValidUid(token)) return token;
  const uid = TRANSFER_SYNTAX_ALIASES.get(token.toLowerCase());
  if (!uid) throw new SopListParseError(line, `unknown transfer syntax "${token}"`);
  return uid;
}

function sopClassUid(name: string, uidColumn: string, line: number): string {
  if (uidColumn !== '-') {
    if (!isValidUid(uidColumn)) throw new SopListParseError(line, `"${uidColumn}" is not a UID`);
    return uidColumn;
  }
  const known = sopClassByKeyword(name);
  if (!known) throw new SopListParseError(line, `unknown SOP class keyword "${name}" (give its UID)`);
  return known.uid;
}

/**
 * Parses the list into accepted abstract syntaxes, in file order. A "sop" line without its own
 * list, when the file has no "transfer" line, gets `defaults(sopClassUid)` (by default what
 * defaultAcceptancePolicy accepts for that class).
 */
export function parseSopList(
  text: string,
  defaults: (sopClassUid: string) => AcceptedAbstractSyntax = defaultAcceptedAbstractSyntax,
): AcceptedAbstractSyntax[] {
  const global: string[] = [];
  const sops: { uid: string; own?: string[] }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const tokens = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return;
    const [name, uidColumn, kind, list, ...extra] = tokens;
    if (name === undefined || uidColumn === undefined || kind === undefined) {
      throw new SopListParseError(line, 'expected "NAME UID KIND [TRANSFER-SYNTAXES]"');
    }
    const k = kind.toLowerCase();
    if (IGNORED_KINDS.has(k)) return;
    if (extra.length > 0) throw new SopListParseError(line, `unexpected "${extra.join(' ')}"`);
    if (k === 'transfer') {
      if (list !== undefined) throw new SopListParseError(line, 'a transfer line takes no list');
      const uid = transferSyntaxUid(uidColumn === '-' ? name : uidColumn, line);
      if (!global.includes(uid)) global.push(uid);
      return;
    }
    if (k !== 'sop') throw new SopListParseError(line, `unknown kind "${kind}" (sop, transfer, application, RemoteAE, LocalAE)`);
    const uid = sopClassUid(name, uidColumn, line);
    const own = list?.split(',').filter(Boolean).map((t) => transferSyntaxUid(t, line));
    const existing = sops.findIndex((s) => s.uid === uid);
    if (existing >= 0) sops.splice(existing, 1);
    sops.push(own ? { uid, own: [...new Set(own)] } : { uid });
  });
  return sops.map(({ uid, own }) => {
    if (own) return { abstractSyntax: uid, transferSyntaxes: own };
    return global.length > 0 ? { abstractSyntax: uid, transferSyntaxes: global } : defaults(uid);
  });
}
