// The association-requestor side (SCU): open TCP or TLS, send A-ASSOCIATE-RQ, await AC/RJ.
import { isIP, connect as netConnect } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import {
  DEFAULT_MAX_PDU_LENGTH,
  DICOM_APPLICATION_CONTEXT,
  PROTOCOL_VERSION_1,
  userInformationSubItems,
  type AAssociateRj,
  type AAssociateRq,
  type UserInformationItem,
} from '../pdu';
import { Association, type AssociationOptions } from './association';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IMPLEMENTATION_CLASS_UID, DEFAULT_IMPLEMENTATION_VERSION_NAME } from './defaults';
import { AssociationAbortedError, AssociationRejectedError, AssociationTimeoutError } from './net-errors';

export interface ProposedContext {
  /** Odd, 1–255; assigned in order when left out. */
  id?: number;
  abstractSyntax: string;
  transferSyntaxes: readonly string[];
}

export interface ConnectOptions extends AssociationOptions {
  host: string;
  port: number;
  /** DICOM over TLS (PS3.15 Annex B): key/cert for our side, ca for the peer, servername… */
  tls?: ConnectionOptions;
  callingAeTitle: string;
  calledAeTitle: string;
  presentationContexts: readonly ProposedContext[];
  /** Extra User Information sub-items: role selection, user identity, extended negotiation. */
  userInformation?: readonly UserInformationItem[];
  implementationClassUid?: string;
  implementationVersionName?: string;
  /** Bound on TCP/TLS connect plus association establishment; default 30 s. */
  timeoutMs?: number;
}

const itemOrder = (item: UserInformationItem): number =>
  item.type === 'unknown' ? 0x100 + item.itemType : userInformationSubItems[item.type].itemType;

export function buildAssociateRq(options: ConnectOptions): AAssociateRq {
  let nextId = 1;
  const presentationContexts = options.presentationContexts.map((pc) => {
    const id = pc.id ?? nextId;
    nextId = Math.max(nextId, id + 2);
    return { id, abstractSyntax: pc.abstractSyntax, transferSyntaxes: [...pc.transferSyntaxes] };
  });
  const userInformation: UserInformationItem[] = [
    { type: 'maximum-length', maximumLength: options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH },
    { type: 'implementation-class-uid', implementationClassUid: options.implementationClassUid ?? DEFAULT_IMPLEMENTATION_CLASS_UID },
    {
      type: 'implementation-version-name',
      implementationVersionName: options.implementationVersionName ?? DEFAULT_IMPLEMENTATION_VERSION_NAME,
    },
    ...(options.userInformation ?? []),
  ];
  // Sub-items in item-type order, as most peers send them (Array.prototype.sort is stable).
  userInformation.sort((a, b) => itemOrder(a) - itemOrder(b));
  return {
    type: 'A-ASSOCIATE-RQ',
    protocolVersion: PROTOCOL_VERSION_1,
    calledAeTitle: options.calledAeTitle,
    callingAeTitle: options.callingAeTitle,
    applicationContextName: DICOM_APPLICATION_CONTEXT,
    presentationContexts,
    userInformation,
  };
}

/**
 * Opens an association as requestor. Resolves once the A-ASSOCIATE-AC arrived; rejects with
 * AssociationRejectedError (A-ASSOCIATE-RJ), AssociationTimeoutError, AssociationAbortedError
 * or the socket error (e.g. ECONNREFUSED, a TLS verification failure).
 */
export function connect(options: ConnectOptions): Promise<Association> {
  const rq = buildAssociateRq(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const association = new Association(
    {
      role: 'requestor',
      rq,
      openSocket: () => {
        const raw = netConnect({ host: options.host, port: options.port, noDelay: true });
        if (!options.tls) return { socket: raw, connectEvent: 'connect' };
        // Certificate names are checked against the host we dialled (SNI only for DNS names).
        const names = { host: options.host, servername: isIP(options.host) === 0 ? options.host : undefined };
        return { socket: tlsConnect({ ...names, ...options.tls, socket: raw }), connectEvent: 'secureConnect' };
      },
    },
    options,
  );
  return new Promise<Association>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      association.abort(0, 0, 'establishment timeout');
      association.destroy();
      reject(new AssociationTimeoutError(association.state === 'Sta4' ? 'connect' : 'establishment', timeoutMs));
    }, timeoutMs);
    timer.unref();
    const onAccepted = (): void => {
      cleanup();
      resolve(association);
    };
    const onRejected = (rj: AAssociateRj): void => {
      cleanup();
      reject(new AssociationRejectedError(rj));
    };
    const onClose = (): void => {
      cleanup();
      reject(association.transportError ?? new AssociationAbortedError(association.abortInfo ?? { source: 2, reason: 0, initiator: 'transport' }));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      association.off('accepted', onAccepted);
      association.off('rejected', onRejected);
      association.off('close', onClose);
    };
    association.on('accepted', onAccepted);
    association.on('rejected', onRejected);
    association.on('close', onClose);
  });
}
