import type { UserInformationItem } from './pdu-types';

type ItemOf<K extends UserInformationItem['type']> = Extract<UserInformationItem, { type: K }>;

/** The first User Information sub-item of a kind (e.g. 'maximum-length'), if any. */
export function findUserInformation<K extends UserInformationItem['type']>(
  items: readonly UserInformationItem[],
  type: K,
): ItemOf<K> | undefined {
  return items.find((i): i is ItemOf<K> => i.type === type);
}

/** All User Information sub-items of a kind (role selections, extended negotiations). */
export function filterUserInformation<K extends UserInformationItem['type']>(
  items: readonly UserInformationItem[],
  type: K,
): ItemOf<K>[] {
  return items.filter((i): i is ItemOf<K> => i.type === type);
}
