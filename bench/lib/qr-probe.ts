// Which Q/R services a peer answers: a C-FIND, C-MOVE and C-GET for a study that does not
// exist. A service counts as available when its final status is success (no matches, no
// sub-operations); "not supported", a refused context or a failure status means it is not.
import { DataSet, QueryRetrieveModel, Status, connect, find, get, move, proposeQuery, scpRoleSelection, type Association } from '@pacs/dicom';

const QUERY_RETRIEVE_LEVEL = 0x00080052;
const STUDY_INSTANCE_UID = 0x0020000d;
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const NO_SUCH_STUDY = '2.25.1';

export interface Peer {
  port: number;
  calledAeTitle: string;
  callingAeTitle: string;
  moveDestination: string;
}

function studyIdentifier(): DataSet {
  return new DataSet().setStrings(QUERY_RETRIEVE_LEVEL, 'STUDY', 'CS').setStrings(STUDY_INSTANCE_UID, NO_SUCH_STUDY, 'UI');
}

async function withAssociation<T>(peer: Peer, run: (a: Association) => Promise<T>): Promise<T | undefined> {
  let association: Association;
  try {
    association = await connect({
      host: '127.0.0.1',
      port: peer.port,
      callingAeTitle: peer.callingAeTitle,
      calledAeTitle: peer.calledAeTitle,
      presentationContexts: [
        ...proposeQuery([QueryRetrieveModel.StudyRootFind, QueryRetrieveModel.StudyRootMove, QueryRetrieveModel.StudyRootGet]),
        { abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_LE] },
      ],
      userInformation: scpRoleSelection([CT_IMAGE_STORAGE]),
      timeoutMs: 10_000,
    });
  } catch {
    return undefined;
  }
  try {
    return await run(association);
  } catch {
    return undefined;
  } finally {
    await association.release().catch(() => association.abort());
  }
}

/** "store" plus each of find/move/get that answered success. */
export async function probeCapabilities(peer: Peer): Promise<string[]> {
  const caps = ['store'];
  const found = await withAssociation(peer, async (a) => {
    const op = find(a, QueryRetrieveModel.StudyRootFind, studyIdentifier());
    for await (const match of op) void match;
    return (await op.done).status === Status.Success;
  });
  if (found) caps.push('find');
  const moved = await withAssociation(peer, async (a) => (await move(a, QueryRetrieveModel.StudyRootMove, peer.moveDestination, studyIdentifier()).done).status === Status.Success);
  if (moved) caps.push('move');
  const got = await withAssociation(peer, async (a) => {
    const op = get(a, QueryRetrieveModel.StudyRootGet, studyIdentifier(), async (rq) => {
      rq.dataSet.resume();
      return { status: Status.Success };
    });
    return (await op.done).status === Status.Success;
  });
  if (got) caps.push('get');
  return caps;
}
