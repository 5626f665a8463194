// PS3.7 §6.3.1 and §9.3/§10.3: a command set is group 0000, always Implicit VR Little Endian,
// led by (0000,0000) Command Group Length, the byte count of the elements that follow it.
import { DataSet, DicomParseError, readDataSet, TransferSyntaxUid, encodeDataSet } from '../../core';
import { CommandDataSetType, commandFieldName, isKnownCommandField } from './command-field';
import { COMMAND_ELEMENTS, COMMAND_GROUP_LENGTH, type CommandElementName } from './command-tags';
import { MANDATORY_ELEMENTS, type DimseCommandBase, type DimseMessage } from './messages';

const IMPLICIT_LE = { explicitVr: false, littleEndian: true } as const;

/** A command set that is well-formed DICOM but not a valid DIMSE command (missing element, unknown field). */
export class DimseCommandError extends Error {
  override readonly name = 'DimseCommandError';
  constructor(
    message: string,
    readonly commandField?: number,
    readonly element?: string,
  ) {
    super(message);
  }
}

const FIELD_NAMES = Object.keys(COMMAND_ELEMENTS) as CommandElementName[];

/** Encodes a command into its command set bytes (group length first, elements ascending). */
export function encodeCommandSet(command: DimseCommandBase): Buffer {
  const ds = new DataSet();
  for (const name of FIELD_NAMES) {
    const spec = COMMAND_ELEMENTS[name];
    const value = name === 'commandField' ? command.commandField : name === 'commandDataSetType' ? (command.hasDataSet ? CommandDataSetType.PRESENT : CommandDataSetType.NONE) : command[name];
    if (value === undefined) continue;
    if (spec.type === 'us') ds.setNumbers(spec.tag, value as number, 'US');
    else if (spec.type === 'at') ds.setNumbers(spec.tag, value as number[], 'AT');
    else ds.setStrings(spec.tag, value as string, spec.vr);
  }
  const body = encodeDataSet(ds, IMPLICIT_LE);
  const out = Buffer.allocUnsafe(12 + body.length);
  out.writeUInt32LE(COMMAND_GROUP_LENGTH, 0);
  out.writeUInt32LE(4, 4);
  out.writeUInt32LE(body.length, 8);
  body.copy(out, 12);
  return out;
}

/**
 * Decodes a command set and checks the mandatory elements of its command (PS3.7 §9.3, §10.3).
 * Malformed bytes throw DicomParseError; a valid data set that is no valid command throws DimseCommandError.
 */
export function decodeCommandSet(bytes: Buffer): DimseMessage {
  const ds = readDataSet(bytes, TransferSyntaxUid.ImplicitVRLittleEndian, { maxDepth: 0 });
  for (const e of ds) {
    if (e.tag >>> 16 !== 0x0000) throw new DicomParseError('unexpected-tag', 'command set element outside group 0000', 0, e.tag);
  }
  const commandField = ds.getNumber(COMMAND_ELEMENTS.commandField.tag);
  if (commandField === undefined) throw new DimseCommandError('command set has no (0000,0100) Command Field', undefined, 'commandField');
  if (!isKnownCommandField(commandField)) throw new DimseCommandError(`unknown Command Field ${commandFieldName(commandField)}`, commandField, 'commandField');
  const dataSetType = ds.getNumber(COMMAND_ELEMENTS.commandDataSetType.tag);
  if (dataSetType === undefined) throw new DimseCommandError(`${commandFieldName(commandField)} has no (0000,0800) Command Data Set Type`, commandField, 'commandDataSetType');
  const command: DimseCommandBase = { commandField, hasDataSet: dataSetType !== CommandDataSetType.NONE };
  const target = command as unknown as Record<string, unknown>;
  for (const name of FIELD_NAMES) {
    if (name === 'commandField' || name === 'commandDataSetType') continue;
    const spec = COMMAND_ELEMENTS[name];
    if (!ds.has(spec.tag)) continue;
    if (spec.type === 'us') target[name] = ds.getNumber(spec.tag);
    else if (spec.type === 'at') target[name] = ds.getNumbers(spec.tag);
    else if (spec.type === 'uid') target[name] = ds.getUid(spec.tag);
    else target[name] = ds.getString(spec.tag);
  }
  for (const name of MANDATORY_ELEMENTS[commandField] ?? []) {
    if (target[name] === undefined) {
      throw new DimseCommandError(`${commandFieldName(commandField)} lacks mandatory ${name}`, commandField, name);
    }
  }
  return command as DimseMessage;
}
