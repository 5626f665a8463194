// A-ASSOCIATE-RQ (PS3.8 §9.3.2, Table 9-11) and A-ASSOCIATE-AC (§9.3.3, Table 9-17) bodies:
// a fixed header declared as a table, then the variable items.
import { aeTitle, reserved, struct, u16, uidToEnd, type Field } from './fields';
import {
  ITEM_HEADER_LENGTH,
  ItemType,
  misplacedItem,
  presentationContextAcBody,
  presentationContextRqBody,
  readItem,
  userInformationBody,
  writeItemHeader,
} from './items';
import type { AAssociateAc, AAssociateRq, PresentationContextAc, PresentationContextRq, UnknownItem } from './pdu-types';
import type { WireReader, WireWriter } from './wire';

type AssociateBody<P> = Omit<P, 'type'>;

const fixedFields = struct<Pick<AAssociateRq, 'protocolVersion' | 'calledAeTitle' | 'callingAeTitle'>>([
  ['protocolVersion', u16],
  reserved(2),
  ['calledAeTitle', aeTitle],
  ['callingAeTitle', aeTitle],
  reserved(32),
]);

function associateBody<P extends AAssociateRq | AAssociateAc>(
  pcItemType: number,
  pcBody: Field<P['presentationContexts'][number]>,
  pduName: P['type'],
): Field<AssociateBody<P>> {
  const pcs = (v: AssociateBody<P>): P['presentationContexts'][number][] => v.presentationContexts;
  return {
    size: (v) =>
      fixedFields.size(v) +
      ITEM_HEADER_LENGTH + v.applicationContextName.length +
      pcs(v).reduce((n, pc) => n + ITEM_HEADER_LENGTH + pcBody.size(pc), 0) +
      ITEM_HEADER_LENGTH + userInformationBody.size(v.userInformation) +
      (v.unknownItems ?? []).reduce((n, it) => n + ITEM_HEADER_LENGTH + it.data.length, 0),
    write: (w: WireWriter, v) => {
      fixedFields.write(w, v, pduName);
      writeItemHeader(w, ItemType.ApplicationContext, v.applicationContextName.length);
      uidToEnd.write(w, v.applicationContextName, 'application context name');
      for (const pc of pcs(v)) {
        writeItemHeader(w, pcItemType, pcBody.size(pc));
        pcBody.write(w, pc, 'presentation context');
      }
      writeItemHeader(w, ItemType.UserInformation, userInformationBody.size(v.userInformation));
      userInformationBody.write(w, v.userInformation, 'user information');
      for (const it of v.unknownItems ?? []) {
        writeItemHeader(w, it.itemType, it.data.length);
        w.bytes(it.data);
      }
    },
    read: (r: WireReader) => {
      const fixed = fixedFields.read(r, pduName);
      let applicationContextName: string | undefined;
      const presentationContexts: P['presentationContexts'][number][] = [];
      let userInformation: AAssociateRq['userInformation'] | undefined;
      const unknownItems: UnknownItem[] = [];
      while (r.remaining > 0) {
        const { itemType, body } = readItem(r);
        if (itemType === ItemType.ApplicationContext && applicationContextName === undefined) {
          applicationContextName = uidToEnd.read(body, 'application context name');
        } else if (itemType === pcItemType) {
          presentationContexts.push(pcBody.read(body, 'presentation context'));
        } else if (itemType === ItemType.UserInformation && userInformation === undefined) {
          userInformation = userInformationBody.read(body, 'user information');
        } else if (itemType in knownTopLevel) {
          throw misplacedItem(itemType, pduName);
        } else {
          unknownItems.push({ itemType, data: body.bytes(body.remaining) });
        }
      }
      const out = {
        ...fixed,
        // A missing item decodes as empty; negotiation then rejects ("not supported").
        applicationContextName: applicationContextName ?? '',
        presentationContexts,
        userInformation: userInformation ?? [],
      } as AssociateBody<P>;
      if (unknownItems.length > 0) out.unknownItems = unknownItems;
      return out;
    },
  };
}

const knownTopLevel: Record<number, true> = {
  [ItemType.ApplicationContext]: true,
  [ItemType.PresentationContextRq]: true,
  [ItemType.PresentationContextAc]: true,
  [ItemType.AbstractSyntax]: true,
  [ItemType.TransferSyntax]: true,
  [ItemType.UserInformation]: true,
};

export const aAssociateRqBody = associateBody<AAssociateRq>(
  ItemType.PresentationContextRq,
  presentationContextRqBody as Field<PresentationContextRq>,
  'A-ASSOCIATE-RQ',
);

export const aAssociateAcBody = associateBody<AAssociateAc>(
  ItemType.PresentationContextAc,
  presentationContextAcBody as Field<PresentationContextAc>,
  'A-ASSOCIATE-AC',
);
