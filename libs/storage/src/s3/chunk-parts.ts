/**
 * Regroups a byte stream into parts of exactly `partSize` bytes (the last one shorter, and none
 * at all for an empty stream). Pulls lazily, so at most one part is being filled at a time.
 */
export async function* chunkParts(source: AsyncIterable<Uint8Array>, partSize: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const input of source) {
    let chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    while (pendingBytes + chunk.length >= partSize) {
      const take = partSize - pendingBytes;
      pending.push(chunk.subarray(0, take));
      chunk = chunk.subarray(take);
      const part = Buffer.concat(pending, partSize);
      pending = [];
      pendingBytes = 0;
      yield part;
    }
    if (chunk.length > 0) {
      pending.push(chunk);
      pendingBytes += chunk.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}
