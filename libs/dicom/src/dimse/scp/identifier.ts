// Reads the identifier of a C-FIND/C-MOVE/C-GET request (PS3.4 C.4.1.1.3): bounded, parsed in
// the presentation context's transfer syntax. Failures become the response status.
import { DataSet, DicomParseError, readDataSet } from '../../core';
import { Status } from '../commands';
import type { InboundRequest } from '../channel/inbound';
import { drain } from './context';
import type { DimseOutcome } from './handlers';
import { errorComment } from './outcome';

export async function readIdentifier(request: InboundRequest, maxLength: number): Promise<DataSet | DimseOutcome> {
  const data = request.data;
  if (!data) return { status: Status.IdentifierDoesNotMatchSOPClass, errorComment: 'request announces no identifier' };
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of data as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxLength) {
      await drain(request);
      return { status: Status.UnableToProcess, errorComment: `identifier longer than ${maxLength} bytes` };
    }
    chunks.push(chunk);
  }
  await request.dataComplete;
  try {
    return readDataSet(Buffer.concat(chunks, length), request.context.transferSyntax);
  } catch (err) {
    if (!(err instanceof DicomParseError)) throw err;
    return { status: Status.IdentifierDoesNotMatchSOPClass, errorComment: errorComment(`identifier: ${err.message}`) };
  }
}

export function isOutcome(value: DataSet | DimseOutcome): value is DimseOutcome {
  return !(value instanceof DataSet);
}
