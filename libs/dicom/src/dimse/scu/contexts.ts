// Building the presentation contexts and role selection items an SCU proposes (PS3.8 §9.3.2.2,
// PS3.7 D.3.3.4).
import type { RoleSelectionItem } from '../../pdu';
import type { ProposedContext } from '../../net';
import { QUERY_TRANSFER_SYNTAXES } from '../transfer-syntax-preference';

/** One context per distinct (SOP class, transfer syntax): each object is sent as it is. */
export function proposeStorage(objects: Iterable<{ sopClassUid: string; transferSyntaxUid: string }>): ProposedContext[] {
  const seen = new Set<string>();
  const out: ProposedContext[] = [];
  for (const { sopClassUid, transferSyntaxUid } of objects) {
    const key = `${sopClassUid} ${transferSyntaxUid}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ abstractSyntax: sopClassUid, transferSyntaxes: [transferSyntaxUid] });
  }
  return out;
}

/** Q/R, Verification and other identifier-only services: the native syntaxes, explicit first. */
export function proposeQuery(sopClassUids: Iterable<string>, transferSyntaxes: readonly string[] = QUERY_TRANSFER_SYNTAXES): ProposedContext[] {
  return [...new Set(sopClassUids)].map((uid) => ({ abstractSyntax: uid, transferSyntaxes: [...transferSyntaxes] }));
}

/** We offer to act as Storage SCP for these classes (needed to receive C-GET sub-operations). */
export function scpRoleSelection(sopClassUids: Iterable<string>): RoleSelectionItem[] {
  return [...new Set(sopClassUids)].map((sopClassUid) => ({ type: 'role-selection', sopClassUid, scuRole: false, scpRole: true }));
}
