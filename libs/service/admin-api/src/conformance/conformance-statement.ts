// What the DICOM listener negotiates, as data (issue 7; the machine-readable part of a PS3.2
// conformance statement, and what Conquest lists in dgatesop.lst): the SOP classes it accepts,
// with the transfer syntaxes of each (PS3.8 §9.3.2.2), its AE title, ports and implementation
// identity (PS3.7 D.3.3.2). Built from the same acceptance list the listener uses, never a copy.
import {
  defaultAbstractSyntaxes, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, isStorageSopClass, queryRetrieveSopClass, sopClassByUid, TRANSFER_SYNTAXES,
  type AcceptedAbstractSyntax,
} from '@pacs/dicom';
import type { PacsConfig } from '@pacs/platform';

export type ServiceClass = 'verification' | 'storage' | 'query-retrieve';

export interface ConformanceSopClass {
  uid: string;
  keyword: string;
  serviceClass: ServiceClass;
  retired: boolean;
  /** UIDs, in the listener's order of preference (storage keeps the sender's choice among them). */
  transferSyntaxes: string[];
}

export interface ConformanceStatement {
  aeTitle: string;
  acceptUnknownCallingAe: boolean;
  ports: { dicom: number; dicomTls?: number; http: number };
  implementationClassUid: string;
  implementationVersionName: string;
  maxPduLength: number;
  sopClasses: ConformanceSopClass[];
  transferSyntaxes: Array<{ uid: string; name: string; retired: boolean }>;
}

function serviceClassOf(uid: string): ServiceClass {
  if (isStorageSopClass(uid)) return 'storage';
  if (queryRetrieveSopClass(uid)) return 'query-retrieve';
  return 'verification';
}

export function conformanceStatement(
  config: PacsConfig,
  accepted: readonly AcceptedAbstractSyntax[] = defaultAbstractSyntaxes(),
  ports: { dicom?: number; http?: number } = {},
): ConformanceStatement {
  const sopClasses = accepted.map((a): ConformanceSopClass => {
    const known = sopClassByUid(a.abstractSyntax);
    return { uid: a.abstractSyntax, keyword: known?.keyword ?? '', serviceClass: serviceClassOf(a.abstractSyntax), retired: known?.retired ?? false, transferSyntaxes: [...a.transferSyntaxes] };
  });
  const used = new Set(sopClasses.flatMap((c) => c.transferSyntaxes));
  return {
    aeTitle: config.dicom.aeTitle,
    acceptUnknownCallingAe: config.dicom.acceptUnknownCallingAe,
    ports: {
      dicom: ports.dicom ?? config.dicom.port,
      ...(config.dicom.tls.enabled ? { dicomTls: config.dicom.tls.port } : {}),
      http: ports.http ?? config.http.port,
    },
    implementationClassUid: IMPLEMENTATION_CLASS_UID,
    implementationVersionName: IMPLEMENTATION_VERSION_NAME,
    maxPduLength: config.dicom.maxPduLength,
    sopClasses,
    transferSyntaxes: TRANSFER_SYNTAXES.filter((t) => used.has(t.uid)).map(({ uid, name, retired }) => ({ uid, name, retired })),
  };
}
