/**
 * Regroups a byte stream into parts of exactly `partSize` bytes (the last one shorter, and none
 * at all for an empty stream). Pulls lazily, so at most one part is being filled at a time; each
 * input chunk is copied into the part at once, so the source's buffers are released as they come
 * instead of being held until the part is full.
 */
export async function* chunkParts(source: AsyncIterable<Uint8Array>, partSize: number): AsyncGenerator<Buffer> {
  let part: Buffer | undefined;
  let filled = 0;
  for await (const input of source) {
    let offset = 0;
    while (offset < input.byteLength) {
      part ??= Buffer.allocUnsafeSlow(partSize);
      const take = Math.min(partSize - filled, input.byteLength - offset);
      part.set(input.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === partSize) {
        const full = part;
        part = undefined;
        filled = 0;
        yield full;
      }
    }
  }
  if (part !== undefined && filled > 0) yield part.subarray(0, filled);
}
