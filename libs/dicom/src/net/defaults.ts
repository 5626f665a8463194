// Defaults of the network layer; each is overridable per server / per connect().

import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../core/uid';

/** The one implementation identity (core/uid), announced in A-ASSOCIATE-RQ/AC (PS3.7 D.3.3.2). */
export const DEFAULT_IMPLEMENTATION_CLASS_UID = IMPLEMENTATION_CLASS_UID;
export const DEFAULT_IMPLEMENTATION_VERSION_NAME = IMPLEMENTATION_VERSION_NAME;

/** What we send when the peer advertises 0 (unlimited). */
export const DEFAULT_UNLIMITED_PEER_PDU_CAP = 1024 * 1024;
/** Command sets are a few hundred bytes; more is a broken or hostile peer. */
export const DEFAULT_MAX_COMMAND_LENGTH = 64 * 1024;
/** Buffered bytes per inbound data set stream before the socket is paused. */
export const DEFAULT_DATASET_HIGH_WATER_MARK = 1024 * 1024;
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_ASSOCIATIONS = 100;
export const DEFAULT_CLOSE_GRACE_MS = 30_000;
