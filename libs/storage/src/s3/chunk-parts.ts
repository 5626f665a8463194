/**
 * Regroups a byte stream into parts of exactly `partSize` bytes (the last one shorter, and none
 * at all for an empty stream). Pulls lazily, so at most one part is being gathered at a time.
 * A part is copied once, into a buffer of exactly its length, when it is complete: a 512 KiB
 * instance costs 512 KiB, not a part-sized (8 MiB) buffer that V8 counts as external memory and
 * answers with garbage collections. Until then the part's chunks are held as they came, so the
 * source must not reuse a chunk's memory after yielding it (a Node stream never does).
 */
export async function* chunkParts(source: AsyncIterable<Uint8Array>, partSize: number): AsyncGenerator<Buffer> {
  let pending: Uint8Array[] = [];
  let filled = 0;
  for await (const input of source) {
    let offset = 0;
    while (offset < input.byteLength) {
      const take = Math.min(partSize - filled, input.byteLength - offset);
      pending.push(offset === 0 && take === input.byteLength ? input : input.subarray(offset, offset + take));
      filled += take;
      offset += take;
      if (filled === partSize) {
        const part = Buffer.concat(pending, partSize);
        pending = [];
        filled = 0;
        yield part;
      }
    }
  }
  if (filled > 0) yield Buffer.concat(pending, filled);
}
