import { changeJson, type Change, type ChangeJson } from '@pacs/persistence';

// Where the change feed goes on the bus (issue 7): every change of the change_log table on
// `<prefix>.changes.<kind>`, e.g. pacs.changes.new-instance, pacs.changes.study-stable.
// The table is the durable record; the stream keeps an hour of them for subscribers that were
// briefly away, and its dedupe window drops a change published twice (Nats-Msg-Id change-<seq>).

export interface ChangeTopology {
  stream: string;
  subjects: string[];
  subject(kind: Change['kind']): string;
}

export function changeTopology(prefix: string): ChangeTopology {
  const root = `${prefix.toLowerCase()}.changes`;
  return { stream: `${prefix}_CHANGES`, subjects: [`${root}.>`], subject: (kind) => `${root}.${kind}` };
}

/** The message body: the change as GET /api/changes lists it. */
export type ChangeMessage = { v: 1 } & ChangeJson;

export function encodeChange(change: Change): Uint8Array {
  const message: ChangeMessage = { v: 1, ...changeJson(change) };
  return Buffer.from(JSON.stringify(message));
}
