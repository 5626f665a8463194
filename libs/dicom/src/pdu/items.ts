// Variable items of the A-ASSOCIATE-RQ/AC (PS3.8 §9.3.2–9.3.3) and the User Information
// sub-items (PS3.8 Annex D.1, PS3.7 Annex D.3.3), declared as field tables.
import {
  bytes16,
  bytesToEnd,
  flag8,
  ignoredRest,
  keptReservedByte,
  lengthPrefixed16,
  listToEnd,
  reserved,
  struct,
  textToEnd,
  u16,
  u32,
  u8,
  uid16,
  uidToEnd,
  type Field,
} from './fields';
import { ProviderAbortReason } from './abort-reasons';
import { PduDecodeError, invalidValue } from './pdu-error';
import type {
  PresentationContextAc,
  PresentationContextRq,
  UnknownUserInformationItem,
  UserInformationItem,
} from './pdu-types';
import type { WireReader, WireWriter } from './wire';

export const ItemType = {
  ApplicationContext: 0x10,
  PresentationContextRq: 0x20,
  PresentationContextAc: 0x21,
  AbstractSyntax: 0x30,
  TransferSyntax: 0x40,
  UserInformation: 0x50,
} as const;

/** Item header: type (1), reserved (1), length (2). */
export const ITEM_HEADER_LENGTH = 4;

/** Reads one item header and returns a reader bounded to its body. */
export function readItem(r: WireReader): { itemType: number; body: WireReader } {
  const itemType = r.u8('item type');
  r.skip(1);
  const length = r.u16('item length');
  return { itemType, body: r.sub(length, `item ${hex(itemType)}`) };
}

export function writeItemHeader(w: WireWriter, itemType: number, bodyLength: number): void {
  w.u8(itemType, 'item type');
  w.u8(0, 'reserved');
  w.u16(bodyLength, `item ${hex(itemType)} length`);
}

export const hex = (n: number): string => `${n.toString(16).toUpperCase().padStart(2, '0')}H`;

function expectConsumed(body: WireReader, what: string): void {
  if (body.remaining !== 0) throw invalidValue(`${body.remaining} unexpected bytes at the end of ${what}`);
}

type KnownUserInformationItem = Exclude<UserInformationItem, UnknownUserInformationItem>;
type SubItemTable = {
  [K in KnownUserInformationItem['type']]: { itemType: number; body: Field<Omit<Extract<KnownUserInformationItem, { type: K }>, 'type'>> };
};

/** User Information sub-items: item type and body layout. */
export const userInformationSubItems: SubItemTable = {
  // PS3.8 Annex D.1.1
  'maximum-length': { itemType: 0x51, body: struct([['maximumLength', u32]]) },
  // PS3.7 D.3.3.2.1
  'implementation-class-uid': { itemType: 0x52, body: struct([['implementationClassUid', uidToEnd]]) },
  // PS3.7 D.3.3.3.1
  'asynchronous-operations-window': {
    itemType: 0x53,
    body: struct([['maxOperationsInvoked', u16], ['maxOperationsPerformed', u16]]),
  },
  // PS3.7 D.3.3.4.1
  'role-selection': { itemType: 0x54, body: struct([['sopClassUid', uid16], ['scuRole', flag8], ['scpRole', flag8]]) },
  // PS3.7 D.3.3.2.3
  'implementation-version-name': { itemType: 0x55, body: struct([['implementationVersionName', textToEnd]]) },
  // PS3.7 D.3.3.5.1
  'sop-class-extended-negotiation': {
    itemType: 0x56,
    body: struct([['sopClassUid', uid16], ['serviceClassApplicationInformation', bytesToEnd]]),
  },
  // PS3.7 D.3.3.6.1; byte 2 is the sub-item version (00H), read and written like a reserved byte
  'sop-class-common-extended-negotiation': {
    itemType: 0x57,
    body: struct([
      ['sopClassUid', uid16],
      ['serviceClassUid', uid16],
      ['relatedGeneralSopClassUids', lengthPrefixed16(listToEnd(uid16))],
      ignoredRest,
    ]),
  },
  // PS3.7 D.3.3.7.1
  'user-identity-rq': {
    itemType: 0x58,
    body: struct([
      ['userIdentityType', u8],
      ['positiveResponseRequested', flag8],
      ['primaryField', bytes16],
      ['secondaryField', bytes16],
    ]),
  },
  // PS3.7 D.3.3.7.2
  'user-identity-ac': { itemType: 0x59, body: struct([['serverResponse', bytes16]]) },
};

const subItemByType = new Map<number, { name: KnownUserInformationItem['type']; body: Field<object> }>(
  Object.entries(userInformationSubItems).map(([name, def]) => [
    def.itemType,
    { name: name as KnownUserInformationItem['type'], body: def.body as Field<object> },
  ]),
);

function subItemDef(item: KnownUserInformationItem): { itemType: number; body: Field<object> } {
  return userInformationSubItems[item.type] as { itemType: number; body: Field<object> };
}

/** User Information item (50H) body: a list of sub-items; unknown ones are kept, not fatal. */
export const userInformationBody: Field<UserInformationItem[]> = {
  size: (items) =>
    items.reduce(
      (n, item) => n + ITEM_HEADER_LENGTH + (item.type === 'unknown' ? item.data.length : subItemDef(item).body.size(item)),
      0,
    ),
  write: (w, items) => {
    for (const item of items) {
      if (item.type === 'unknown') {
        writeItemHeader(w, item.itemType, item.data.length);
        w.bytes(item.data);
        continue;
      }
      const def = subItemDef(item);
      writeItemHeader(w, def.itemType, def.body.size(item));
      def.body.write(w, item, item.type);
    }
  },
  read: (r) => {
    const items: UserInformationItem[] = [];
    while (r.remaining > 0) {
      const { itemType, body } = readItem(r);
      const def = subItemByType.get(itemType);
      if (!def) {
        items.push({ type: 'unknown', itemType, data: body.bytes(body.remaining) });
        continue;
      }
      const value = def.body.read(body, def.name);
      expectConsumed(body, `sub-item ${hex(itemType)}`);
      items.push({ type: def.name, ...value } as UserInformationItem);
    }
    return items;
  },
};

const syntaxItemSize = (uid: string): number => ITEM_HEADER_LENGTH + uid.length;

function writeSyntaxItem(w: WireWriter, itemType: number, uid: string, name: string): void {
  writeItemHeader(w, itemType, uid.length);
  uidToEnd.write(w, uid, name);
}

const pcRqHeader = struct<Pick<PresentationContextRq, 'id' | 'reservedByte7'>>([
  ['id', u8],
  reserved(1),
  ['reservedByte7', keptReservedByte],
  reserved(1),
]);

/** Presentation Context item (20H) body, PS3.8 §9.3.2.2: one abstract syntax, transfer syntaxes. */
export const presentationContextRqBody: Field<PresentationContextRq> = {
  size: (pc) =>
    pcRqHeader.size(pc) +
    syntaxItemSize(pc.abstractSyntax) +
    pc.transferSyntaxes.reduce((n, ts) => n + syntaxItemSize(ts), 0),
  write: (w, pc) => {
    pcRqHeader.write(w, pc, 'presentation context');
    writeSyntaxItem(w, ItemType.AbstractSyntax, pc.abstractSyntax, 'abstract syntax');
    for (const ts of pc.transferSyntaxes) writeSyntaxItem(w, ItemType.TransferSyntax, ts, 'transfer syntax');
  },
  read: (r) => {
    const header = pcRqHeader.read(r, 'presentation context');
    let abstractSyntax: string | undefined;
    const transferSyntaxes: string[] = [];
    while (r.remaining > 0) {
      const { itemType, body } = readItem(r);
      if (itemType === ItemType.AbstractSyntax && abstractSyntax === undefined) {
        abstractSyntax = uidToEnd.read(body, 'abstract syntax');
      } else if (itemType === ItemType.TransferSyntax) {
        transferSyntaxes.push(uidToEnd.read(body, 'transfer syntax'));
      } else {
        throw misplacedItem(itemType, `presentation context ${header.id}`);
      }
    }
    if (abstractSyntax === undefined) throw invalidValue(`presentation context ${header.id} has no abstract syntax`);
    return { ...header, abstractSyntax, transferSyntaxes };
  },
};

const pcAcHeader = struct<Pick<PresentationContextAc, 'id' | 'result'>>([['id', u8], reserved(1), ['result', u8], reserved(1)]);

/** Presentation Context item (21H) body, PS3.8 §9.3.3.2. */
export const presentationContextAcBody: Field<PresentationContextAc> = {
  size: (pc) => pcAcHeader.size(pc) + (pc.transferSyntax === undefined ? 0 : syntaxItemSize(pc.transferSyntax)),
  write: (w, pc) => {
    pcAcHeader.write(w, pc, 'presentation context');
    if (pc.transferSyntax !== undefined) writeSyntaxItem(w, ItemType.TransferSyntax, pc.transferSyntax, 'transfer syntax');
  },
  read: (r) => {
    const pc: PresentationContextAc = pcAcHeader.read(r, 'presentation context');
    while (r.remaining > 0) {
      const { itemType, body } = readItem(r);
      if (itemType !== ItemType.TransferSyntax || pc.transferSyntax !== undefined) {
        throw misplacedItem(itemType, `presentation context ${pc.id}`);
      }
      pc.transferSyntax = uidToEnd.read(body, 'transfer syntax');
    }
    return pc;
  },
};

const knownItemTypes = new Set<number>([
  ...Object.values(ItemType),
  ...Object.values(userInformationSubItems).map((d) => d.itemType),
]);

/** A known item in the wrong place is unexpected (5); an unknown one is unrecognized (4). */
export function misplacedItem(itemType: number, where: string): PduDecodeError {
  return knownItemTypes.has(itemType)
    ? new PduDecodeError(ProviderAbortReason.UnexpectedPduParameter, `item ${hex(itemType)} not expected in ${where}`)
    : new PduDecodeError(ProviderAbortReason.UnrecognizedPduParameter, `unknown item ${hex(itemType)} in ${where}`);
}
