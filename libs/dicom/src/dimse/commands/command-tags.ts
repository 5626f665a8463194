// PS3.7 §E.1 Command Dictionary: the group 0000 elements, each once, with its VR.
import type { Vr } from '../../core';

export interface CommandFieldSpec {
  readonly tag: number;
  readonly vr: Vr;
  /** 'uid' and 'text' are strings, 'us' a number, 'at' a list of tags. */
  readonly type: 'uid' | 'text' | 'us' | 'at';
}

export const COMMAND_ELEMENTS = {
  affectedSopClassUid: { tag: 0x00000002, vr: 'UI', type: 'uid' },
  requestedSopClassUid: { tag: 0x00000003, vr: 'UI', type: 'uid' },
  commandField: { tag: 0x00000100, vr: 'US', type: 'us' },
  messageId: { tag: 0x00000110, vr: 'US', type: 'us' },
  messageIdBeingRespondedTo: { tag: 0x00000120, vr: 'US', type: 'us' },
  moveDestination: { tag: 0x00000600, vr: 'AE', type: 'text' },
  priority: { tag: 0x00000700, vr: 'US', type: 'us' },
  commandDataSetType: { tag: 0x00000800, vr: 'US', type: 'us' },
  status: { tag: 0x00000900, vr: 'US', type: 'us' },
  offendingElement: { tag: 0x00000901, vr: 'AT', type: 'at' },
  errorComment: { tag: 0x00000902, vr: 'LO', type: 'text' },
  errorId: { tag: 0x00000903, vr: 'US', type: 'us' },
  affectedSopInstanceUid: { tag: 0x00001000, vr: 'UI', type: 'uid' },
  requestedSopInstanceUid: { tag: 0x00001001, vr: 'UI', type: 'uid' },
  eventTypeId: { tag: 0x00001002, vr: 'US', type: 'us' },
  attributeIdentifierList: { tag: 0x00001005, vr: 'AT', type: 'at' },
  actionTypeId: { tag: 0x00001008, vr: 'US', type: 'us' },
  numberOfRemainingSuboperations: { tag: 0x00001020, vr: 'US', type: 'us' },
  numberOfCompletedSuboperations: { tag: 0x00001021, vr: 'US', type: 'us' },
  numberOfFailedSuboperations: { tag: 0x00001022, vr: 'US', type: 'us' },
  numberOfWarningSuboperations: { tag: 0x00001023, vr: 'US', type: 'us' },
  moveOriginatorApplicationEntityTitle: { tag: 0x00001030, vr: 'AE', type: 'text' },
  moveOriginatorMessageId: { tag: 0x00001031, vr: 'US', type: 'us' },
} as const satisfies Record<string, CommandFieldSpec>;

export type CommandElementName = keyof typeof COMMAND_ELEMENTS;
export const COMMAND_GROUP_LENGTH = 0x00000000;
