// Defaults of the network layer; each is overridable per server / per connect().

/** UUID-derived UID (PS3.5 §B.2) identifying this implementation until a registered root exists. */
export const DEFAULT_IMPLEMENTATION_CLASS_UID = '2.25.42410104413440154604679505848362350273';
/** At most 16 characters (PS3.7 D.3.3.2.3). */
export const DEFAULT_IMPLEMENTATION_VERSION_NAME = 'PACS_TS_0_1';

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
