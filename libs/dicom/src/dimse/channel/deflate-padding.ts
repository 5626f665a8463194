// Peers refuse odd data set fragments (PS3.7 Annex F; DCMTK: "Odd Fragment Length"), yet a
// deflated data set is a byte stream of any length (Part 10 files keep it odd). On the wire it
// is padded with one trailing 0x00, as DCMTK does; inflaters stop at the end of the deflate
// stream, so the pad never reaches a parser.
import { Transform, type Readable } from 'node:stream';

export function padDeflatedToEven(data: Buffer | Readable): Buffer | Readable {
  if (Buffer.isBuffer(data)) return data.length % 2 === 0 ? data : Buffer.concat([data, Buffer.alloc(1)]);
  let length = 0;
  const padded = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      length += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      done(null, length % 2 === 0 ? undefined : Buffer.alloc(1));
    },
  });
  data.once('error', (err) => padded.destroy(err));
  padded.once('close', () => {
    if (!data.readableEnded) data.destroy();
  });
  return data.pipe(padded);
}
