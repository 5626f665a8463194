// PS3.5 §6.2.1: PN values, up to three component groups (alphabetic=ideographic=phonetic),
// each with five components family^given^middle^prefix^suffix.

export interface PersonNameComponents {
  familyName: string;
  givenName: string;
  middleName: string;
  namePrefix: string;
  nameSuffix: string;
}

export interface PersonName {
  alphabetic?: PersonNameComponents;
  ideographic?: PersonNameComponents;
  phonetic?: PersonNameComponents;
}

function components(group: string): PersonNameComponents | undefined {
  if (group === '') return undefined;
  const [familyName = '', givenName = '', middleName = '', namePrefix = '', nameSuffix = ''] = group.split('^');
  return { familyName, givenName, middleName, namePrefix, nameSuffix };
}

/** Parses one decoded PN value (not a multi-valued string: split on "\\" first). */
export function parsePersonName(value: string): PersonName {
  const [alphabetic = '', ideographic = '', phonetic = ''] = value.split('=');
  const name: PersonName = {};
  const a = components(alphabetic);
  const i = components(ideographic);
  const p = components(phonetic);
  if (a) name.alphabetic = a;
  if (i) name.ideographic = i;
  if (p) name.phonetic = p;
  return name;
}

function formatGroup(c: PersonNameComponents | undefined): string {
  if (!c) return '';
  return [c.familyName, c.givenName, c.middleName, c.namePrefix, c.nameSuffix].join('^').replace(/\^+$/, '');
}

/** Formats a PN value, dropping trailing empty components and groups as PS3.5 §6.2.1 asks. */
export function formatPersonName(name: PersonName): string {
  return [formatGroup(name.alphabetic), formatGroup(name.ideographic), formatGroup(name.phonetic)].join('=').replace(/=+$/, '');
}
